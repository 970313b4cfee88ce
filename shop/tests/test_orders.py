"""Orders after checkout: the status pipeline from the dashboard (stock kept
in step, customer emailed after commit), owner-only pages, and sellers who
see only their own products and orders."""

from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from oscar.core.loading import get_model

import pytest

from .checkout_flow import basket_add, checkout_to_preview, order_place
from .factories import PartnerFactory, PlantFactory, UserFactory

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
UserAddress = get_model("address", "UserAddress")

pytestmark = pytest.mark.django_db


def _place(plant, *, quantity=1, user=None) -> Order:
    client = Client()
    if user is not None:
        client.force_login(user)
    basket_add(client, plant, quantity)
    checkout_to_preview(client, email=None if user else "guest@example.com")
    assert order_place(client).status_code == 302
    return Order.objects.order_by("-pk").first()


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _change_status(client, order, new_status):
    return client.post(
        reverse("dashboard:order-detail", kwargs={"number": order.number}),
        {"order_action": "change_order_status", "new_status": new_status},
    )


def _stock(plant) -> tuple[int, int]:
    record = StockRecord.objects.get(product=plant)
    return record.num_in_stock, record.num_allocated


def test_pipeline_paid_shipped_delivered_consumes_stock_and_emails(
    gb, staff_client, django_capture_on_commit_callbacks
):
    plant = PlantFactory(stock=5)
    order = _place(plant, quantity=2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for status in ("Paid", "Shipped", "Delivered"):
            _change_status(staff_client, order, status)

    order.refresh_from_db()
    assert order.status == "Delivered"
    assert _stock(plant) == (3, 0)  # shipped: reservation became a decrement
    assert [m.subject for m in mail.outbox] == [
        f"Payment received for order {order.number}",
        f"Order {order.number} is on its way",
        f"Order {order.number} has been delivered",
    ]
    assert all(m.alternatives[0][1] == "text/html" for m in mail.outbox)


def test_cancelling_releases_the_reserved_stock(gb, staff_client):
    plant = PlantFactory(stock=5)
    order = _place(plant, quantity=2)
    assert _stock(plant) == (5, 2)

    _change_status(staff_client, order, "Cancelled")

    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert _stock(plant) == (5, 0)


def test_a_status_jump_outside_the_pipeline_is_refused(gb, staff_client):
    plant = PlantFactory(stock=5)
    order = _place(plant)

    _change_status(staff_client, order, "Delivered")

    order.refresh_from_db()
    assert order.status == "Pending"
    assert _stock(plant) == (5, 1)


def test_order_emails_are_queued_only_after_commit_on_the_email_queue(
    gb, django_capture_on_commit_callbacks, monkeypatch
):
    from shop import tasks

    queued = []
    monkeypatch.setattr(
        tasks.order_email_send,
        "apply_async",
        lambda args, queue: queued.append(("customer", args, queue)),
    )
    monkeypatch.setattr(
        tasks.order_seller_emails_send,
        "apply_async",
        lambda args, queue: queued.append(("sellers", args, queue)),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = _place(PlantFactory(stock=5))
    assert queued == []  # nothing before the commit

    for callback in callbacks:
        callback()

    assert ("customer", [order.pk, "placed"], "email") in queued
    assert ("sellers", [order.pk], "email") in queued


def test_order_email_task_sends_once(gb):
    from shop.tasks import order_email_send

    order = _place(PlantFactory(stock=5))
    mail.outbox.clear()

    assert order_email_send(order.pk, "shipped") is True
    assert order_email_send(order.pk, "shipped") is False  # a redelivered task
    assert len(mail.outbox) == 1


def test_order_and_address_pages_are_404_to_anyone_but_their_owner(gb):
    owner, stranger = UserFactory(), UserFactory()
    order = _place(PlantFactory(stock=5), user=owner)
    address = UserAddress.objects.get(user=owner)
    owner_client, stranger_client = Client(), Client()
    owner_client.force_login(owner)
    stranger_client.force_login(stranger)
    order_url = reverse("customer:order", kwargs={"order_number": order.number})
    address_url = reverse("customer:address-detail", kwargs={"pk": address.pk})

    assert owner_client.get(order_url).status_code == 200
    assert stranger_client.get(order_url).status_code == 404
    assert owner_client.get(address_url).status_code == 200
    assert stranger_client.get(address_url).status_code == 404
    assert Client().get(order_url).status_code == 302  # sign in first


def test_guest_order_page_needs_the_signed_link_and_the_email(gb):
    order = _place(PlantFactory(stock=5))

    def follow(hash_value: str, email: str) -> int:
        client = Client()
        client.post(
            reverse(
                "customer:anon-order-form",
                kwargs={"order_number": order.number, "hash": hash_value},
            ),
            {"email": email},
        )
        url = reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": hash_value},
        )
        return client.get(url).status_code

    assert follow(order.verification_hash(), "guest@example.com") == 200
    assert follow(order.verification_hash(), "someone@else.test") == 302
    assert follow(f"{order.number}:forged", "guest@example.com") == 302


def test_sellers_see_only_their_own_products_and_orders_and_get_an_email(
    gb, django_capture_on_commit_callbacks
):
    # Given two sellers, each with a plant, and an order for each
    seller = UserFactory(email="seller@ferns.test")
    seller.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    ferns = PartnerFactory(name="Fern House", code="ferns")
    ferns.users.add(seller)
    own = PlantFactory(title="Boston fern", stock=5)
    StockRecord.objects.filter(product=own).update(partner=ferns)
    other = PlantFactory(title="Swiss cheese plant", stock=5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        own_order = _place(own)
    other_order = _place(other)
    client = Client()
    client.force_login(seller)

    products = client.get(reverse("dashboard:catalogue-product-list"))
    orders = client.get(reverse("dashboard:order-list"))

    assert products.status_code == 200
    assert "Boston fern" in products.content.decode()
    assert "Swiss cheese plant" not in products.content.decode()
    assert own_order.number in orders.content.decode()
    assert other_order.number not in orders.content.decode()
    other_url = reverse("dashboard:order-detail", kwargs={"number": other_order.number})
    assert client.get(other_url).status_code == 404
    seller_mail = [m for m in mail.outbox if m.to == ["seller@ferns.test"]]
    assert [m.subject for m in seller_mail] == [
        f"New order {own_order.number} with your products"
    ]
    assert "Boston fern" in seller_mail[0].body


def test_price_paid_is_recorded_on_the_order(gb):
    order = _place(PlantFactory(stock=5, stock__price=Decimal("12.50")))

    assert order.total_incl_tax == Decimal("17.45")
