"""Availability wording: a shopper wants "3 left", not "In stock (3 available)"."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from oscar.apps.partner.availability import *  # noqa: F403
from oscar.apps.partner.availability import StockRequired as CoreStockRequired


class StockRequired(CoreStockRequired):
    @property
    def is_low(self) -> bool:
        return 0 < self.num_available <= settings.SHOP_LOW_STOCK_THRESHOLD

    @property
    def short_message(self) -> str:
        if self.num_available <= 0:
            return _("Out of stock")
        if self.is_low:
            return ngettext("%(count)d left", "%(count)d left", self.num_available) % {
                "count": self.num_available
            }
        return _("In stock")

    @property
    def message(self) -> str:
        if self.num_available <= 0:
            return _("Out of stock")
        if self.is_low:
            return ngettext(
                "Only %(count)d left", "Only %(count)d left", self.num_available
            ) % {"count": self.num_available}
        return _("In stock")
