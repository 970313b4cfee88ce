"""Selectors other apps call: species summaries (identify) and product cards
(cms blocks), in a fixed number of queries."""

from decimal import Decimal

from oscar.core.loading import get_class

import pytest

from shop.selectors import product_cards_list, species_product_summaries

from .factories import PlantFactory, SpeciesFactory, StockRecord

Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db


def test_species_product_summaries_groups_by_species_in_two_queries(
    django_assert_num_queries,
):
    monstera, fern, lonely = SpeciesFactory(), SpeciesFactory(), SpeciesFactory()
    PlantFactory(title="Monstera, 12 cm", species=monstera, stock__price=Decimal("24"))
    PlantFactory(title="Monstera, 21 cm", species=monstera, stock=0)
    PlantFactory(title="Fern", species=fern, stock__price=Decimal("9.5"))
    PlantFactory(title="Hidden", species=fern, is_public=False)

    with django_assert_num_queries(2):
        summaries = species_product_summaries([monstera.pk, fern.pk, lonely.pk])

    assert set(summaries) == {monstera.pk, fern.pk}
    assert [
        (s["title"], s["price"], s["in_stock"]) for s in summaries[monstera.pk]
    ] == [
        ("Monstera, 12 cm", "24.00", True),
        ("Monstera, 21 cm", "20.00", False),
    ]
    [fern_summary] = summaries[fern.pk]
    assert fern_summary["currency"] == "GBP"
    assert fern_summary["url"].startswith("/shop/catalogue/fern_")


def test_species_product_summaries_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert species_product_summaries([]) == {}


@pytest.mark.parametrize("count", [4, 12])
def test_product_cards_keep_the_given_order_in_three_queries(
    count, django_assert_num_queries
):
    products = [PlantFactory(stock=n % 4) for n in range(count)]
    wanted = [p.pk for p in reversed(products)] + [999_999]  # unknown id skipped

    with django_assert_num_queries(3):
        cards = product_cards_list(product_ids=wanted, strategy=Selector().strategy())

    assert [card.id for card in cards] == wanted[:-1]
    card = next(c for c in cards if c.num_available == 3)
    assert card.availability_text == "3 left"
    assert card.price == Decimal("20.00")
    assert card.price_text == "£20.00"
    assert card.add_to_basket_url == f"/shop/basket/add/{card.id}/"
    sold_out = next(c for c in cards if c.num_available == 0)
    assert (sold_out.is_available, sold_out.availability_text) == (
        False,
        "Out of stock",
    )


def test_stock_check_constraint_refuses_over_allocation():
    from django.db import IntegrityError, transaction

    plant = PlantFactory(stock=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.filter(product=plant).update(num_allocated=3)
