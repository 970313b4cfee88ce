"""Which payment methods exist and which are switched on."""

from shop.payments.base import PaymentMethod
from shop.payments.offline import BankTransfer, PayOnCollection
from shop.payments.stripe import StripeCard

ALL_METHODS: tuple[PaymentMethod, ...] = (
    StripeCard(),
    BankTransfer(),
    PayOnCollection(),
)


def payment_methods_enabled() -> list[PaymentMethod]:
    return [method for method in ALL_METHODS if method.is_enabled()]


def payment_method_get(code: str | None) -> PaymentMethod | None:
    return next((m for m in payment_methods_enabled() if m.code == code), None)
