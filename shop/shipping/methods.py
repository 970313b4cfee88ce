"""Standard (free over a threshold) and express delivery; amounts in settings."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from oscar.apps.shipping.methods import *  # noqa: F403
from oscar.apps.shipping.methods import Base
from oscar.core import prices

ZERO = Decimal("0.00")


def _price(basket, amount: Decimal) -> prices.Price:
    # Plants ship within the UK; the shop's prices carry no separate tax.
    return prices.Price(currency=basket.currency, excl_tax=amount, tax=ZERO)


def _goods_total(basket) -> Decimal:
    total = basket.total_incl_tax if basket.is_tax_known else basket.total_excl_tax
    return total or ZERO


class Standard(Base):
    code = "standard"
    name = _("Standard delivery")

    @property
    def description(self) -> str:
        return _("2 to 4 working days. Free on orders of £%(threshold)s or more.") % {
            "threshold": settings.SHOP_FREE_SHIPPING_THRESHOLD
        }

    def calculate(self, basket) -> prices.Price:
        if _goods_total(basket) >= settings.SHOP_FREE_SHIPPING_THRESHOLD:
            return _price(basket, ZERO)
        return _price(basket, settings.SHOP_STANDARD_SHIPPING_CHARGE)


class Express(Base):
    code = "express"
    name = _("Express delivery")
    description = _("Next working day when ordered before 1 pm.")

    def calculate(self, basket) -> prices.Price:
        return _price(basket, settings.SHOP_EXPRESS_SHIPPING_CHARGE)
