"""Analytics writes moved off the request and out of the order transaction.

Oscar's analytics receivers write a counter row on every product view (a
write per page view on the hottest page) and update purchase counters inside
the order transaction, where a racing INSERT aborts the whole order on
PostgreSQL. Views are counted in process memory and flushed in batches by a
Celery task; purchase counters are recorded after the order commits.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.db import transaction

FLUSH_EVERY_SECONDS = 30.0

_lock = threading.Lock()
_pending: Counter[int] = Counter()
_last_flush = time.monotonic()


def product_view_count(sender, product, user, **kwargs) -> None:
    """Count a view in memory; hand the batch to Celery every 30 s."""
    global _last_flush
    if kwargs.get("raw", False):
        return
    with _lock:
        _pending[product.pk] += 1
        if time.monotonic() - _last_flush < FLUSH_EVERY_SECONDS:
            return
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    product_views_flush(batch)


def product_views_flush(batch: dict[int, int]) -> None:
    from shop.tasks import product_views_record

    if batch:
        # JSON keys are strings; the task converts them back.
        product_views_record.apply_async(
            args=[{str(pk): count for pk, count in batch.items()}], queue="default"
        )


def order_placed_analytics(sender, order, user, **kwargs) -> None:
    from oscar.apps.analytics import receivers as analytics

    if kwargs.get("raw", False):
        return
    transaction.on_commit(lambda: analytics.receive_order_placed(sender, order, user))


def catalogue_changed(sender, **kwargs) -> None:
    """Facet counts are cached per catalogue version; any edit to what they
    count starts a new version (after commit, so readers never cache the
    old data under the new version)."""
    from shop.search.selectors import catalogue_version_bump

    if kwargs.get("raw", False):
        return
    # Now (this transaction's own reads) and again after commit (a reader
    # that cached the old data meanwhile must miss too).
    catalogue_version_bump()
    transaction.on_commit(catalogue_version_bump)
