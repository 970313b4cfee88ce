"""Signals the shop sends for other apps' caches (house style: signals only
for decoupled invalidation).

``stock_levels_changed`` (sender: the StockRecord model, ``product_ids``):
stock was reserved, released or shipped by a conditional UPDATE, which sends
no ``post_save``. Sent inside the transaction that changed it; receivers
that cache must also act after the commit.
"""

from django.dispatch import Signal

stock_levels_changed = Signal()
