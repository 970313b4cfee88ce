"""Basket: merge on sign-in, stock re-checked on quantity change, lines the
shop cannot fill flagged rather than dropped."""

from django.test import Client
from django.urls import reverse

from oscar.core.loading import get_model

import pytest

from .checkout_flow import basket_add
from .factories import PlantFactory, UserFactory

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def _quantities(basket) -> dict[int, int]:
    return {line.product_id: line.quantity for line in basket.all_lines()}


def test_anonymous_basket_merges_into_the_customers_basket_on_sign_in():
    # Given a customer whose saved basket holds a fern
    user = UserFactory(email="ada@example.com")
    fern, monstera = PlantFactory(), PlantFactory()
    earlier = Client()
    earlier.force_login(user)
    basket_add(earlier, fern)
    # and an anonymous visitor (the same person, signed out) adding a monstera
    client = Client()
    basket_add(client, monstera, 2)

    # When they sign in
    response = client.post(
        reverse("customer:login"),
        {
            "login-username": "ada@example.com",
            "login-password": "correct horse",
            "login_submit": "1",
        },
    )

    # Then one open basket holds both
    assert response.status_code == 302
    client.get(reverse("basket:summary"))
    basket = Basket.objects.get(owner=user, status=Basket.OPEN)
    assert _quantities(basket) == {fern.pk: 1, monstera.pk: 2}
    assert Basket.objects.filter(owner=None, status=Basket.OPEN).count() == 0


def _formset_post(client, line, quantity):
    return client.post(
        reverse("basket:summary"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(line.pk),
            "form-0-quantity": str(quantity),
        },
    )


def test_raising_a_quantity_above_the_stock_left_is_refused():
    plant = PlantFactory(stock=3)
    client = Client()
    basket_add(client, plant)
    line = Basket.objects.get().all_lines()[0]

    response = _formset_post(client, line, 5)

    assert response.status_code == 200
    assert "a maximum of 3 can be bought" in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 1


def test_raising_a_quantity_within_stock_is_saved():
    plant = PlantFactory(stock=3)
    client = Client()
    basket_add(client, plant)
    line = Basket.objects.get().all_lines()[0]

    response = _formset_post(client, line, 3)

    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == 3


def test_adding_more_than_is_in_stock_is_refused():
    plant = PlantFactory(stock=2)
    client = Client()

    response = basket_add(client, plant, 3)

    assert response.status_code == 302
    assert not Basket.objects.filter(lines__product=plant).exists()


@pytest.mark.parametrize(
    ("stock_left", "expected"),
    [(1, "a maximum of 1 can be bought"), (0, "no stock available")],
)
def test_line_the_shop_can_no_longer_fill_is_flagged_not_dropped(stock_left, expected):
    # Given two of a plant in the basket
    plant = PlantFactory(stock=5)
    client = Client()
    basket_add(client, plant, 2)
    # When stock falls below that
    StockRecord.objects.filter(product=plant).update(num_in_stock=stock_left)

    response = client.get(reverse("basket:summary"))

    # Then the basket says so, by name, and keeps the line
    body = response.content.decode()
    assert f"“{plant.title}” cannot be ordered as it is ({expected})" in body
    assert _quantities(Basket.objects.get()) == {plant.pk: 2}
    # and checkout sends the shopper back here
    assert client.get(reverse("checkout:index"))["Location"] == reverse(
        "basket:summary"
    )
