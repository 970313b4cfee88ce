"""Payment methods through the checkout, Stripe against a local fake, and
the signed, idempotent webhook."""

import json
import time
from decimal import Decimal

from django.core import mail
from django.test import Client
from django.urls import reverse

from oscar.core.loading import get_model

import pytest

from shop.payments.stripe import webhook_signature_header

from .checkout_flow import basket_add, checkout_to_preview, order_place
from .factories import PlantFactory
from .fake_stripe import FakeStripe

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Source = get_model("payment", "Source")

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe(settings):
    with FakeStripe() as fake:
        settings.STRIPE_SECRET_KEY = "sk_test_fake"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
        settings.STRIPE_API_BASE = fake.url
        settings.STRIPE_TIMEOUT_SECONDS = 2
        yield fake


def _card_checkout(client, plant, quantity=1):
    basket_add(client, plant, quantity)
    checkout_to_preview(client, payment="stripe")
    return order_place(client)


def _webhook(client, event: dict, *, secret=WEBHOOK_SECRET, timestamp=None):
    payload = json.dumps(event).encode()
    header = webhook_signature_header(
        payload=payload, secret=secret, timestamp=timestamp or int(time.time())
    )
    return client.post(
        reverse("checkout:stripe-webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def _intent_event(event_id: str, kind: str, order, intent_id="pi_fake1", amount=None):
    return {
        "id": event_id,
        "type": kind,
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount
                if amount is not None
                else int(order.total_incl_tax * 100),
                "amount_received": amount
                if amount is not None
                else int(order.total_incl_tax * 100),
                "currency": "gbp",
                "metadata": {"order_number": order.number},
            }
        },
    }


def test_card_payment_is_offered_only_when_its_keys_are_set(gb, settings):
    settings.STRIPE_SECRET_KEY = ""
    client = Client()
    basket_add(client, PlantFactory())
    checkout_to_preview(client)

    body = client.get(reverse("checkout:payment-method")).content.decode()

    assert 'value="bank-transfer"' in body
    assert 'value="collection"' in body
    assert 'value="stripe"' not in body
    refused = client.post(reverse("checkout:payment-method"), {"method": "stripe"})
    assert refused.status_code == 200


def test_card_checkout_reserves_stock_then_creates_one_payment_intent(gb, stripe):
    plant = PlantFactory(stock=5, stock__price=Decimal("20.00"))
    client = Client()

    response = _card_checkout(client, plant)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "checkout:stripe-pay", kwargs={"order_number": order.number}
    )
    assert order.status == "Pending"
    assert StockRecord.objects.get(product=plant).num_allocated == 1
    [request] = stripe.requests
    assert request["path"] == "/v1/payment_intents"
    assert request["idempotency_key"] == f"canopy-order-{order.number}-intent"
    assert request["form"]["amount"] == "2495"  # £20 + £4.95 standard delivery
    assert request["form"]["currency"] == "gbp"
    assert request["form"]["metadata[order_number]"] == order.number
    # the pay page carries the client secret for this browser only
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-client-secret="pi_fake1_secret_test"' in page.content.decode()
    assert Client().get(response["Location"]).status_code == 404


def test_refused_card_payment_cancels_the_order_and_gives_everything_back(gb, stripe):
    stripe.fail_with = (402, "Your card was declined.")
    plant = PlantFactory(stock=5)
    client = Client()

    response = _card_checkout(client, plant, quantity=2)

    assert response.status_code == 200
    assert "Your card was declined." in response.content.decode()
    order = Order.objects.get()
    assert order.status == "Cancelled"
    assert StockRecord.objects.get(product=plant).num_allocated == 0
    basket = Basket.objects.get(status=Basket.OPEN)
    assert [(line.product_id, line.quantity) for line in basket.all_lines()] == [
        (plant.pk, 2)
    ]
    assert not [m for m in mail.outbox if "confirmed" in m.subject]


def test_unreachable_stripe_is_a_clear_error_not_a_crash(gb, settings, stripe):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    plant = PlantFactory(stock=5)

    response = _card_checkout(Client(), plant)

    assert response.status_code == 200
    assert "did not answer" in response.content.decode()
    assert StockRecord.objects.get(product=plant).num_allocated == 0


def test_signed_webhook_marks_the_order_paid_once_even_when_replayed(
    gb, stripe, django_capture_on_commit_callbacks
):
    plant = PlantFactory(stock=5)
    _card_checkout(Client(), plant)
    order = Order.objects.get()
    event = _intent_event("evt_1", "payment_intent.succeeded", order)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = _webhook(Client(), event)
    with django_capture_on_commit_callbacks(execute=True):
        replay = _webhook(Client(), event)

    assert (first.status_code, first.json()["outcome"]) == (200, "paid")
    assert (replay.status_code, replay.json()["outcome"]) == (200, "duplicate")
    order.refresh_from_db()
    assert order.status == "Paid"
    [source] = Source.objects.filter(order=order)
    assert (source.reference, source.amount_debited) == (
        "pi_fake1",
        order.total_incl_tax,
    )
    assert [m.subject for m in mail.outbox] == [
        f"Payment received for order {order.number}"
    ]


def test_webhook_with_a_bad_or_stale_signature_changes_nothing(gb, stripe):
    _card_checkout(Client(), PlantFactory(stock=5))
    order = Order.objects.get()
    event = _intent_event("evt_2", "payment_intent.succeeded", order)

    forged = _webhook(Client(), event, secret="whsec_wrong")
    stale = _webhook(Client(), event, timestamp=int(time.time()) - 3600)

    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "bad_signature"
    assert stale.status_code == 400
    order.refresh_from_db()
    assert order.status == "Pending"


def test_failed_card_payment_webhook_cancels_and_releases_stock(gb, stripe):
    plant = PlantFactory(stock=5)
    _card_checkout(Client(), plant)
    order = Order.objects.get()

    response = _webhook(
        Client(), _intent_event("evt_3", "payment_intent.payment_failed", order)
    )

    assert response.json()["outcome"] == "cancelled"
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert StockRecord.objects.get(product=plant).num_allocated == 0


def test_webhook_paying_the_wrong_amount_does_not_mark_paid(gb, stripe):
    _card_checkout(Client(), PlantFactory(stock=5))
    order = Order.objects.get()

    response = _webhook(
        Client(), _intent_event("evt_4", "payment_intent.succeeded", order, amount=1)
    )

    assert response.json()["outcome"] == "amount_mismatch"
    order.refresh_from_db()
    assert order.status == "Pending"


def test_abandoned_card_orders_are_cancelled_and_their_stock_released(gb, stripe):
    from datetime import timedelta

    from django.utils import timezone

    from shop.tasks import card_orders_abandoned_cancel

    plant = PlantFactory(stock=5)
    _card_checkout(Client(), plant)
    order = Order.objects.get()
    assert card_orders_abandoned_cancel(60) == 0  # too recent

    Order.objects.filter(pk=order.pk).update(
        date_placed=timezone.now() - timedelta(hours=2)
    )
    assert card_orders_abandoned_cancel(60) == 1

    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert StockRecord.objects.get(product=plant).num_allocated == 0
    assert stripe.requests[-1]["path"] == "/v1/payment_intents/pi_fake1/cancel"
