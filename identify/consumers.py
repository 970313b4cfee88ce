"""Live progress of one identification over a websocket (contracts.md)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .models import IdentificationRequest
from .owners import anonymous_owner_get
from .selectors import (
    identification_frame,
    identification_group_name,
    identification_request_get_for_user,
)

CLOSE_NOT_FOUND = 4404
FINAL_FRAMES = {"result", "error"}


@database_sync_to_async
def _owned_exists(request_id, user, anonymous_owner) -> bool:
    try:
        identification_request_get_for_user(
            request_id=request_id, user=user, anonymous_owner=anonymous_owner
        )
    except IdentificationRequest.DoesNotExist:
        return False
    return True


@database_sync_to_async
def _current_frame(request_id) -> dict:
    return identification_frame(IdentificationRequest.objects.get(pk=request_id))


class IdentificationConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    finished = False

    async def connect(self) -> None:
        request_id = self.scope["url_route"]["kwargs"]["request_id"]
        session = self.scope.get("session")
        anonymous_owner = anonymous_owner_get(session) if session is not None else ""
        if not await _owned_exists(
            request_id, self.scope.get("user"), anonymous_owner or None
        ):
            # Accept first so the client sees the contract's 4404, not a bare 403.
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group_name = identification_group_name(request_id)
        # Join before reading the state: a result published in between is
        # then either in the read or in the group, never lost.
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self._send_frame(await _current_frame(request_id))

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """Clients have nothing to say on this socket."""

    async def identify_frame(self, event: dict) -> None:
        await self._send_frame(event["frame"])

    async def _send_frame(self, frame: dict) -> None:
        if self.finished:
            return
        await self.send_json(frame)
        if frame["type"] in FINAL_FRAMES:
            self.finished = True
            await self.close(code=1000)
