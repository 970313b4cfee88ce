"""Card payments with Stripe PaymentIntents, spoken to over plain HTTPS.

The order (and its stock) exists before the PaymentIntent: the card page
confirms the intent in the browser, and the signed webhook marks the order
paid or cancels it (releasing the stock). Creating the intent carries an
idempotency key derived from the order number, so a retried request cannot
create a second charge; webhook events are recorded by id, so a replay is a
no-op.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

import httpx

from shop.exceptions import PaymentFailed, WebhookSignatureInvalid

from .base import PaymentStart

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300
# Stripe amounts are integers in the currency's minor unit.
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"}


def amount_to_minor(amount: Decimal, currency: str) -> int:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def amount_from_minor(amount: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(amount)
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


class StripeClient:
    """The two calls the shop makes; explicit timeouts, our own errors."""

    def __init__(self, *, secret_key: str, api_base: str, timeout: float) -> None:
        self.secret_key = secret_key
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout

    def _post(self, path: str, data: dict[str, Any], idempotency_key: str) -> dict:
        try:
            response = httpx.post(
                f"{self.api_base}{path}",
                data=data,
                auth=(self.secret_key, ""),
                headers={"Idempotency-Key": idempotency_key},
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            logger.warning("Stripe unreachable: %s", error)
            raise PaymentFailed(
                _("The card payment service did not answer. No payment was taken.")
            ) from error
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            detail = (body.get("error") or {}).get("message") or response.reason_phrase
            logger.warning(
                "Stripe refused %s: %s %s", path, response.status_code, detail
            )
            raise PaymentFailed(
                _("The card payment could not be started: %(detail)s")
                % {"detail": detail}
            )
        return body

    def payment_intent_create(
        self, *, amount: Decimal, currency: str, order_number: str, email: str
    ) -> dict:
        return self._post(
            "/v1/payment_intents",
            {
                "amount": amount_to_minor(amount, currency),
                "currency": currency.lower(),
                "metadata[order_number]": order_number,
                "receipt_email": email,
                "automatic_payment_methods[enabled]": "true",
            },
            idempotency_key=f"canopy-order-{order_number}-intent",
        )

    def payment_intent_cancel(self, *, intent_id: str) -> dict:
        return self._post(
            f"/v1/payment_intents/{intent_id}/cancel",
            {},
            idempotency_key=f"canopy-cancel-{intent_id}",
        )


def stripe_client() -> StripeClient:
    return StripeClient(
        secret_key=settings.STRIPE_SECRET_KEY,
        api_base=settings.STRIPE_API_BASE,
        timeout=settings.STRIPE_TIMEOUT_SECONDS,
    )


def webhook_event_verify(
    *, payload: bytes, signature_header: str, secret: str, now: float | None = None
) -> dict:
    """Check Stripe's ``Stripe-Signature`` (HMAC-SHA256 over ``t.payload``)
    and the timestamp tolerance; return the parsed event or raise."""
    parts: dict[str, list[str]] = {}
    for item in (signature_header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        if key and value:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as error:
        raise WebhookSignatureInvalid(
            "Missing or malformed signature header."
        ) from error
    current = time.time() if now is None else now
    if abs(current - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookSignatureInvalid("Signature timestamp outside the tolerance.")
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise WebhookSignatureInvalid("Signature does not match.")
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise WebhookSignatureInvalid("Body is not JSON.") from error
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise WebhookSignatureInvalid("Body is not a Stripe event.")
    return event


def webhook_signature_header(*, payload: bytes, secret: str, timestamp: int) -> str:
    """The header Stripe would send (used by tests and local tooling)."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeCard:
    code = "stripe"
    name = _("Card")
    description = _("Pay now by debit or credit card (processed by Stripe).")

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def start(self, *, order, request: HttpRequest) -> PaymentStart:
        intent = stripe_client().payment_intent_create(
            amount=order.total_incl_tax,
            currency=order.currency,
            order_number=order.number,
            email=order.email,
        )
        # The browser needs the client secret to confirm; it stays in the
        # session, never in the database or a URL.
        request.session[f"stripe_client_secret_{order.number}"] = intent[
            "client_secret"
        ]
        return PaymentStart(
            redirect_url=reverse(
                "checkout:stripe-pay", kwargs={"order_number": order.number}
            ),
            reference=intent["id"],
        )
