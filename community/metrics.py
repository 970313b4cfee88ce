"""Prometheus metrics of the chat; /metrics exposes the default registry."""

from prometheus_client import Counter, Gauge

chat_messages_total = Counter(
    "canopy_chat_messages_total",
    "Chat messages accepted, by outcome (published, held by the word filter).",
    ["outcome"],
)
chat_connections_open = Gauge(
    "canopy_chat_connections_open",
    "Chat websockets open in this process.",
    multiprocess_mode="livesum",
)
chat_connections_shed_total = Counter(
    "canopy_chat_connections_shed_total",
    "Chat websockets closed with 1013 because this process fell behind; "
    "their clients reconnect and catch up from history.",
    ["reason"],
)
