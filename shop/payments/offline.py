"""Methods where money arrives outside the site; staff mark the order paid."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .base import PaymentStart


class BankTransfer:
    code = "bank-transfer"
    name = _("Bank transfer")
    description = _(
        "Pay by bank transfer using your order number as the reference. "
        "We send your plants when the money arrives."
    )

    def is_enabled(self) -> bool:
        return True

    def start(self, *, order, request: HttpRequest) -> PaymentStart:
        return PaymentStart(
            instructions=_(
                "Please transfer %(total)s to %(account)s with reference %(number)s."
            )
            % {
                "total": f"£{order.total_incl_tax}",
                "account": settings.SHOP_BANK_ACCOUNT,
                "number": order.number,
            }
        )


class PayOnCollection:
    code = "collection"
    name = _("Pay on collection")
    description = _("Collect from the Canopy shop and pay there by card or cash.")

    def is_enabled(self) -> bool:
        return True

    def start(self, *, order, request: HttpRequest) -> PaymentStart:
        return PaymentStart(
            instructions=_(
                "We will email you when order %(number)s is ready to collect; "
                "pay when you pick it up."
            )
            % {"number": order.number}
        )
