"""Errors the shop raises on purpose; each carries a sentence for the customer."""


class ShopError(Exception):
    """Base class: ``str(error)`` is safe and useful to show to the customer."""


class OutOfStock(ShopError):
    def __init__(self, title: str, wanted: int, available: int) -> None:
        self.title = title
        self.wanted = wanted
        self.available = max(available, 0)
        if self.available:
            message = (
                f"Sorry, only {self.available} of “{title}” left, and your basket "
                f"asks for {wanted}. Your basket is unchanged: lower the quantity "
                "and place the order again."
            )
        else:
            message = (
                f"Sorry, “{title}” sold out while you were checking out. Your "
                "basket is unchanged: remove it to place the rest of the order."
            )
        super().__init__(message)


class OfferExhausted(ShopError):
    def __init__(self, offer_name: str) -> None:
        self.offer_name = offer_name
        super().__init__(
            f"The offer “{offer_name}” has just run out, so the price of your "
            "order has changed. Your basket is unchanged: check the new total "
            "and place the order again."
        )


class VoucherExhausted(ShopError):
    def __init__(self, code: str) -> None:
        super().__init__(
            f"The voucher {code} can no longer be used. Your basket is unchanged."
        )


class InvalidStatusChange(ShopError):
    pass


class PaymentFailed(ShopError):
    """The payment provider refused or could not be reached; nothing was taken."""


class WebhookSignatureInvalid(ShopError):
    pass
