"""Template tags of the chat block: the server-rendered room for no-JS readers."""

from django import template
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from community import selectors
from community.exceptions import ChatError
from community.linkify import linkify
from community.models import Room

register = template.Library()


@register.simple_tag
def chat_room_state(room: Room | None, request) -> dict:
    """Everything the block template needs, read once."""
    user = getattr(request, "user", None)
    state = {"room": room, "can_read": False, "error": None, "messages": []}
    if room is None:
        state["error"] = "This chat room is not available."
        return state
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    try:
        selectors.room_get_for_user(slug=room.slug, user=user)
    except ChatError as error:
        state["error"] = error.detail
        return state
    page = selectors.message_history(room=room)
    for frame in page.messages:
        frame["created_at"] = parse_datetime(frame["created"])
    state.update(
        can_read=True,
        messages=page.messages,
        has_more=page.has_more,
        is_signed_in=user.is_authenticated,
        is_moderator=selectors.user_is_moderator(user=user, room=room),
        username=user.get_username() if user.is_authenticated else "",
        socket_path=f"/ws/chat/{room.slug}/",
        history_url=reverse("community:message-list", args=[room.slug]),
    )
    return state


@register.filter
def chat_text(body: str):
    """Escape a plain-text message body and link its web addresses."""
    return linkify(body)
