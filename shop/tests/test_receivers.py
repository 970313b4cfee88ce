"""Analytics off the hot path; the orders-placed metric after commit; the
wishlist from the product page."""

from django.test import Client
from django.urls import reverse

from oscar.core.loading import get_model

import pytest

from shop import receivers
from shop.metrics import orders_placed_total

from .checkout_flow import basket_add, checkout_to_preview, order_place
from .factories import PlantFactory, UserFactory

ProductRecord = get_model("analytics", "ProductRecord")

pytestmark = pytest.mark.django_db


def test_product_page_view_writes_nothing_to_the_database(monkeypatch):
    # (no batch is due during this test; a due batch is only handed to Celery)
    monkeypatch.setattr(receivers, "FLUSH_EVERY_SECONDS", 3600.0)
    plant = PlantFactory()
    client = Client()
    client.get(plant.get_absolute_url())

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(plant.get_absolute_url())

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not ProductRecord.objects.filter(product=plant).exists()


def test_batched_views_are_added_to_the_counters(monkeypatch):
    plant = PlantFactory()
    monkeypatch.setattr(receivers, "FLUSH_EVERY_SECONDS", 0.0)
    receivers._pending.clear()

    for _ in range(3):
        receivers.product_view_count(sender=None, product=plant, user=None)

    # eager Celery in tests: each flush ran the task
    assert ProductRecord.objects.get(product=plant).num_views == 3


def test_orders_placed_metric_counts_after_commit(
    gb, django_capture_on_commit_callbacks
):
    before = orders_placed_total._value.get()
    client = Client()
    basket_add(client, PlantFactory(stock=3))
    checkout_to_preview(client)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_place(client)
    assert orders_placed_total._value.get() == before
    for callback in callbacks:
        callback()

    assert orders_placed_total._value.get() == before + 1


def test_signed_in_customer_adds_a_plant_to_the_wishlist():
    user = UserFactory()
    plant = PlantFactory()
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("customer:wishlists-add-product", kwargs={"product_pk": plant.pk})
    )

    assert response.status_code == 302
    assert list(user.wishlists.get().lines.values_list("product_id", flat=True)) == [
        plant.pk
    ]
