"""Forked partner: the database refuses to allocate more than is in stock.

Oscar's ``allocate`` adds to ``num_allocated`` unconditionally; the conditional
allocation in ``shop.partner.services`` is the fix, and this constraint is the
backstop that makes an oversell impossible even for code that bypasses it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(num_allocated__isnull=True)
                | models.Q(num_in_stock__isnull=True)
                | models.Q(num_allocated__lte=models.F("num_in_stock")),
                name="stockrecord_allocated_lte_in_stock",
                violation_error_message=_("Cannot allocate more than is in stock."),
            ),
            models.CheckConstraint(
                condition=models.Q(num_allocated__isnull=True)
                | models.Q(num_allocated__gte=0),
                name="stockrecord_allocated_not_negative",
            ),
        ]


from oscar.apps.partner.models import *  # noqa: E402, F403
