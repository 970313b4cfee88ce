"""Concurrent checkouts on PostgreSQL: separate sessions, threads and DB
connections racing for the same stock and the same limited offer."""

import threading
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.urls import reverse

from oscar.core.loading import get_model

import pytest

from .checkout_flow import basket_add, checkout_to_preview, order_place
from .factories import PlantFactory, country_gb

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(clients: list[Client]) -> list:
    """Every client places its order at the same moment, each on its own
    thread and database connection."""
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)
    errors: list[BaseException] = []

    def place(index: int, client: Client) -> None:
        try:
            barrier.wait(timeout=60)
            responses[index] = order_place(client)
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=place, args=(i, c)) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return responses


def _shoppers(product, count: int) -> list[Client]:
    clients = []
    for number in range(count):
        client = Client()
        basket_add(client, product)
        checkout_to_preview(client, email=f"racer{number}@example.com")
        clients.append(client)
    return clients


def test_25_concurrent_checkouts_for_5_plants_place_exactly_5_orders():
    # Given 5 plants and 25 shoppers at the order preview
    country_gb()
    plant = PlantFactory(stock=5)
    clients = _shoppers(plant, 25)

    # When they all place their order at once
    responses = _race(clients)

    # Then exactly 5 orders, stock never over-allocated
    assert Order.objects.count() == 5
    record = StockRecord.objects.get(product=plant)
    assert (record.num_in_stock, record.num_allocated) == (5, 5)
    placed = [
        r for r in responses if r.status_code == 302 and "thank-you" in r["Location"]
    ]
    assert len(placed) == 5
    # and 20 clear failures: the sold-out message, or sent back to the basket
    # (those whose stock check ran after the winners committed)
    failures = [r for r in responses if r not in placed]
    assert len(failures) == 20
    for response in failures:
        if response.status_code == 200:
            assert "sold out while you were checking out" in response.content.decode()
        else:
            assert response["Location"] == reverse("basket:summary")
    # and no basket lost: every loser still has the plant in an open basket
    assert Basket.objects.filter(status=Basket.SUBMITTED).count() == 5
    open_baskets = Basket.objects.filter(status=Basket.OPEN)
    assert open_baskets.count() == 20
    assert all(
        [(line.product_id, line.quantity) for line in basket.all_lines()]
        == [(plant.pk, 1)]
        for basket in open_baskets
    )


def test_offer_limited_to_3_applies_to_exactly_3_of_10_concurrent_orders():
    # Given an offer that may be used 3 times, and 10 shoppers it applies to
    country_gb()
    plants = Range.objects.create(name="Plants", includes_all_products=True)
    offer = ConditionalOffer.objects.create(
        name="First three 50% off",
        offer_type=ConditionalOffer.SITE,
        condition=Condition.objects.create(range=plants, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(
            range=plants, type=Benefit.PERCENTAGE, value=Decimal("50")
        ),
        max_global_applications=3,
    )
    plant = PlantFactory(stock=100, stock__price=Decimal("20.00"))
    clients = _shoppers(plant, 10)

    # When all 10 place their order at once
    responses = _race(clients)

    # Then the offer was applied exactly 3 times
    offer.refresh_from_db()
    assert offer.num_applications == 3
    assert offer.status == ConditionalOffer.CONSUMED
    discounted = Order.objects.filter(discounts__offer_id=offer.pk).distinct()
    assert discounted.count() == 3
    # and everyone else got a clear message (basket intact) or no discount
    for response in responses:
        if response.status_code == 200:
            assert "has just run out" in response.content.decode()
    refused = sum(1 for r in responses if r.status_code == 200)
    assert Basket.objects.filter(status=Basket.OPEN).count() == refused
