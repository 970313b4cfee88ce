"""Shop counters for /metrics (config.metrics imports this module)."""

from prometheus_client import Counter

orders_placed_total = Counter(
    "canopy_orders_placed_total",
    "Orders committed to the database (incremented after the transaction commits).",
)
