"""Template tags of the chat block: the server-rendered room for no-JS readers."""

from django import template
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from community import selectors
from community.linkify import linkify
from community.models import Room

register = template.Library()


@register.simple_tag
def chat_room_state(room: Room | None) -> dict:
    """What the block shows, the same for every visitor (see the template)."""
    if room is None:
        return {"room": None}
    state = {
        "room": room,
        "messages": [],
        "has_more": False,
        "socket_path": f"/ws/chat/{room.slug}/",
        "history_url": reverse("community:message-list", args=[room.slug]),
    }
    if not room.is_members_only:
        page = selectors.message_history(room=room)
        for frame in page.messages:
            frame["created_at"] = parse_datetime(frame["created"])
        state.update(messages=page.messages, has_more=page.has_more)
    return state


@register.filter
def chat_text(body: str):
    """Escape a plain-text message body and link its web addresses."""
    return linkify(body)
