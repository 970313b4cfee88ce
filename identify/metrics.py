"""Prometheus metrics of identification (exposed by the project's /metrics)."""

from prometheus_client import Counter

IDENTIFICATIONS = Counter(
    "canopy_identifications_total",
    "Identification outcomes: per backend (ok, failed, timeout) and overall "
    "(backend='all': a verdict, failed or cache_hit).",
    ["backend", "outcome"],
)
