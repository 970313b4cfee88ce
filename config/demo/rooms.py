"""Demo chat rooms (contracts.md: `general` and `plant-doctor`) with a few messages."""

from django.contrib.auth import get_user_model

from community.models import Message, Room
from community.services import chat_message_seed

DEMO_ROOMS = (
    (
        "general",
        "General chat",
        "Say hello, share your windowsill, swap cuttings.",
    ),
    (
        "plant-doctor",
        "Plant doctor",
        "Yellow leaves, pests, droopy stems: describe it and ask for help.",
    ),
)

# (room, username, body); posted only while the room has no messages yet.
DEMO_MESSAGES = (
    ("general", "customer", "Hello all! My first monstera just unfurled a new leaf."),
    ("general", "moderator", "Welcome to Canopy's chat. Be kind, stay on plants."),
    (
        "plant-doctor",
        "customer",
        "My calathea's leaf edges are going crispy. Too much sun?",
    ),
    (
        "plant-doctor",
        "moderator",
        "Often low humidity or hard tap water; the care guides cover both.",
    ),
)


def demo_rooms_load() -> list[Room]:
    """Create the demo rooms (leaving edited ones alone) and seed empty ones."""
    rooms = {}
    for slug, title, topic in DEMO_ROOMS:
        room, _ = Room.objects.get_or_create(
            slug=slug, defaults={"title": title, "topic": topic}
        )
        rooms[slug] = room
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in={username for _, username, _ in DEMO_MESSAGES}
        )
    }
    seeded = {
        slug
        for slug, room in rooms.items()
        if not Message.objects.filter(room=room).exists()
    }
    for slug, username, body in DEMO_MESSAGES:
        if slug in seeded and username in users:
            chat_message_seed(room=rooms[slug], author=users[username], body=body)
    return list(rooms.values())
