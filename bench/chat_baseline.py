"""The Channels-tutorial design, for comparison only (never deployed).

Every socket joins the room's group itself, so the channel layer carries one
copy per recipient and each consumer serialises the frame again, as the
tutorial's ``chat_message`` handler does. Posting uses the same service as
the real chat (stored, then one group_send after commit).
"""

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from django.urls import path  # noqa: E402

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from community import selectors, services  # noqa: E402
from community.broadcast import room_group  # noqa: E402
from community.exceptions import ChatError  # noqa: E402
from community.frames import frame_text, room_frame  # noqa: E402


class TutorialChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope["user"]
        slug = self.scope["url_route"]["kwargs"]["slug"]
        access = await database_sync_to_async(selectors.socket_access_get)(
            slug=slug, user=self.user
        )
        self.room = access.room
        self.group = room_group(self.room.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        history = await database_sync_to_async(selectors.message_history)(
            room=self.room
        )
        await self.send(
            text_data=json.dumps(
                {"type": "history", "messages": history.messages, "has_more": False}
            )
        )
        await self.send(text_data=frame_text(room_frame(self.room, online=0)))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        try:
            await database_sync_to_async(services.chat_message_post)(
                room_id=self.room.pk, user=self.user, body=frame.get("body")
            )
        except ChatError as error:
            await self.send(text_data=json.dumps(error.frame()))

    async def chat_message(self, event):
        # Per recipient: decode and encode again, as the tutorial does
        # (compact, so the load generator reads both designs alike).
        frame = json.loads(event["text"])
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def chat_deleted(self, event):
        await self.send(text_data=event["text"])

    async def chat_room(self, event):
        return None

    async def chat_presence(self, event):
        return None


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter([path("ws/chat/<str:slug>/", TutorialChatConsumer.as_asgi())])
            )
        ),
    }
)
