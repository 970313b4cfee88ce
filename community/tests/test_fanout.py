"""Nothing is lost silently: a hole in a room's sequence or a full outbox
closes the socket with 1013, and the client catches up from history."""

import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from community import fanout
from community.broadcast import room_group
from community.consumers import ChatConsumer

from .conftest import TIMEOUT, ChatClient

pytestmark = [pytest.mark.asyncio]


def message_event(room_id: int, seq: int) -> dict:
    text = json.dumps({"type": "message", "id": f"id-{seq}", "body": f"m{seq}"})
    return {
        "type": "chat.message",
        "room": room_id,
        "seq": seq,
        "id": "x",
        "text": text,
    }


@pytest.mark.redis
@pytest.mark.usefixtures("transactional_db", "flush_layer")
async def test_a_lost_broadcast_closes_sockets_with_1013(room, monkeypatch):
    monkeypatch.setattr(fanout, "GAP_GRACE_SECONDS", 0.3)
    client = ChatClient("general")
    await client.connect()
    layer = get_channel_layer()

    await layer.group_send(room_group(room.pk), message_event(room.pk, 1))
    assert (await client.receive_type("message"))["body"] == "m1"
    # seq 2 never arrives; 3 does.
    await layer.group_send(room_group(room.pk), message_event(room.pk, 3))
    assert (await client.receive_type("message"))["body"] == "m3"

    assert await client.receive_close() == 1013


@pytest.mark.redis
@pytest.mark.usefixtures("transactional_db", "flush_layer")
async def test_late_broadcasts_fill_the_hole_without_closing(room, monkeypatch):
    monkeypatch.setattr(fanout, "GAP_GRACE_SECONDS", 0.3)
    client = ChatClient("general")
    await client.connect()
    layer = get_channel_layer()
    for seq in (1, 3, 2):
        await layer.group_send(room_group(room.pk), message_event(room.pk, seq))
    bodies = [(await client.receive_type("message"))["body"] for _ in range(3)]
    assert bodies == ["m1", "m3", "m2"]
    assert await client.nothing(0.8)
    await client.close()


async def test_a_full_outbox_sheds_the_socket_instead_of_dropping():
    consumer = ChatConsumer()
    consumer.outbox = asyncio.Queue(maxsize=2)
    closed = []

    async def close(code=None, reason=None):
        closed.append(code)

    consumer.close = close
    for seq in range(1, 5):
        consumer.deliver(f"frame {seq}", seq)
    await asyncio.sleep(0)

    assert closed == [1013]
    assert consumer.outbox.qsize() == 2


@pytest.mark.redis
@pytest.mark.usefixtures("transactional_db", "flush_layer")
async def test_a_consumer_that_dies_without_a_disconnect_leaves_the_room(room):
    # Given a reader whose consumer then fails on its channel-layer side (as
    # every consumer does when Redis goes away): no websocket.disconnect comes
    client = ChatClient("general")
    await client.connect()
    hub = fanout.room_fanout()
    (socket,) = hub.rooms[room.pk].sockets
    # When an event the consumer cannot handle ends it with an exception
    await get_channel_layer().send(socket.channel_name, {"type": "no.such.event"})
    with pytest.raises(ValueError, match="No handler"):
        await client.communicator.wait(TIMEOUT)

    # Then it left the room: the hub neither feeds nor counts a dead socket
    assert room.pk not in hub.rooms
    assert hub.channel is None
