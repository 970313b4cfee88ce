"""The payment seam: every method is a small object with this shape.

``start`` runs after the order is placed and its stock reserved, so a
payment that fails or is abandoned never leaves an oversold order behind:
the caller cancels the order (releasing the stock) when ``start`` raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.http import HttpRequest


@dataclass(frozen=True)
class PaymentStart:
    """What happens next for the customer.

    ``redirect_url`` set: send the customer there to pay (card page).
    ``None``: the order waits for payment that staff will confirm.
    """

    redirect_url: str | None = None
    instructions: str = ""
    # The provider's id for this payment (a Stripe PaymentIntent id).
    reference: str = ""


class PaymentMethod(Protocol):
    code: str
    name: str
    description: str

    def is_enabled(self) -> bool: ...

    def start(self, *, order, request: HttpRequest) -> PaymentStart: ...
