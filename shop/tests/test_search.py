"""Catalogue browsing and search: typo tolerance, filters from species facts,
facet counts, sorting, and the query budget of every listing."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

import pytest

from shop.search.selectors import ProductFilters, product_facets, product_search

from .factories import PlantFactory, SpeciesFactory

ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db


@pytest.fixture
def plants():
    monstera = SpeciesFactory(
        scientific_name="Monstera deliciosa",
        common_names=["Swiss cheese plant"],
        light="bright_indirect",
        toxic_to_cats=True,
        toxic_to_dogs=True,
        difficulty="easy",
    )
    calathea = SpeciesFactory(
        scientific_name="Goeppertia orbifolia",
        common_names=["Calathea orbifolia"],
        light="medium",
        toxic_to_cats=False,
        toxic_to_dogs=False,
        difficulty="hard",
    )
    fern = SpeciesFactory(
        scientific_name="Nephrolepis exaltata",
        common_names=["Boston fern"],
        light="medium",
        toxic_to_cats=False,
        toxic_to_dogs=None,  # unknown: never counted as pet safe
        difficulty="medium",
    )
    return {
        "monstera": PlantFactory(
            title="Swiss cheese plant", species=monstera, stock__price=Decimal("24.00")
        ),
        "calathea": PlantFactory(
            title="Calathea orbifolia", species=calathea, stock__price=Decimal("18.00")
        ),
        "fern": PlantFactory(
            title="Boston fern", species=fern, stock__price=Decimal("12.00")
        ),
    }


def _titles(filters: ProductFilters) -> list[str]:
    return [product.title for product in product_search(filters)]


@pytest.mark.parametrize("query", ["monstra", "Monstera", "swiss chese", "delicosa"])
def test_search_tolerates_plant_name_typos(plants, query):
    assert _titles(ProductFilters(query=query))[0] == "Swiss cheese plant"


def test_search_without_match_is_empty(plants):
    assert _titles(ProductFilters(query="xylophone")) == []


def test_pet_safe_filter_reads_the_species_and_treats_unknown_as_unsafe(plants):
    assert _titles(ProductFilters(pet_safe=True)) == ["Calathea orbifolia"]


def test_light_and_difficulty_filters_read_the_species(plants):
    assert _titles(ProductFilters(lights=("medium",), sort="price-asc")) == [
        "Boston fern",
        "Calathea orbifolia",
    ]
    assert _titles(ProductFilters(difficulties=("easy",))) == ["Swiss cheese plant"]


def test_price_filter_and_sorts(plants):
    assert _titles(
        ProductFilters(min_price=Decimal("15"), max_price=Decimal("20"))
    ) == ["Calathea orbifolia"]
    assert _titles(ProductFilters(sort="price-desc")) == [
        "Swiss cheese plant",
        "Calathea orbifolia",
        "Boston fern",
    ]
    assert _titles(ProductFilters(sort="newest"))[0] == "Boston fern"


def test_facets_count_the_current_result_set(plants):
    indoor = create_from_breadcrumbs("Indoor")
    for product in plants.values():
        ProductCategory.objects.create(product=product, category=indoor)

    facets = product_facets(
        ProductFilters(lights=("medium",)), categories=Category.objects.filter(depth=1)
    )

    assert [(o.label, o.count) for o in facets.categories] == [("Indoor", 2)]
    assert [(o.value, o.count, o.selected) for o in facets.lights] == [
        ("medium", 2, True)
    ]
    assert [(o.value, o.count) for o in facets.difficulties] == [
        ("medium", 1),
        ("hard", 1),
    ]
    assert facets.pet_safe_count == 1
    assert [(o.value, o.count) for o in facets.price_bands] == [
        ("0-10", 0),
        ("10-20", 2),
        ("20-40", 0),
        ("40-", 0),
    ]


def test_catalogue_page_filters_through_the_query_string(plants):
    response = Client().get(reverse("catalogue:index"), {"pet_safe": "1"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Calathea orbifolia" in body
    assert "Swiss cheese plant" not in body
    assert "1 product" in body


def test_bad_filter_values_are_ignored_with_a_notice(plants):
    response = Client().get(reverse("catalogue:index"), {"min_price": "cheap"})

    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


def test_search_page_finds_a_typo(plants):
    response = Client().get(reverse("search:search"), {"q": "monstra"})

    assert response.status_code == 200
    assert "Swiss cheese plant" in response.content.decode()


def _many_plants(count: int) -> Category:
    indoor = create_from_breadcrumbs("Indoor")
    for number in range(count):
        product = PlantFactory(
            title=f"Plant {number}", species=SpeciesFactory(light="medium")
        )
        ProductCategory.objects.create(product=product, category=indoor)
    return indoor


@pytest.mark.parametrize("count", [3, 30])
def test_listing_pages_stay_within_the_query_budget(
    count, django_assert_max_num_queries
):
    indoor = _many_plants(count)
    client = Client()
    urls = [
        reverse("catalogue:index"),
        reverse("catalogue:index") + "?light=medium&sort=price-asc&pot_size=12",
        indoor.get_absolute_url() + "?pet_safe=1",
        reverse("search:search") + "?q=plant",
    ]
    for url in urls:
        client.get(url)  # warm per-process caches (site, content types)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url


def test_product_page_stays_within_the_query_budget(
    plants, django_assert_max_num_queries
):
    product = plants["monstera"]
    for other in (plants["fern"], plants["calathea"]):
        product.primary_recommendations.create(recommendation=other, ranking=1)
    client = Client()
    client.get(product.get_absolute_url())

    with django_assert_max_num_queries(12):
        response = client.get(product.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Monstera deliciosa" in body
    assert "Boston fern" in body  # a recommendation, priced
    assert "£12.00" in body


def test_product_page_shows_low_stock_and_unknown_facts(plants):
    from shop.tests.factories import StockRecord

    StockRecord.objects.filter(product=plants["fern"]).update(num_in_stock=3)

    body = Client().get(plants["fern"].get_absolute_url()).content.decode()

    assert "3 left" in body
    assert "<dt>Dogs</dt><dd>unknown</dd>" in body


def test_basket_page_stays_within_the_query_budget(
    plants, django_assert_max_num_queries
):
    client = Client()
    for product in plants.values():
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    client.get(reverse("basket:summary"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("basket:summary"))

    assert response.status_code == 200


def test_facet_counts_are_cached_until_the_catalogue_changes(
    plants, django_assert_num_queries
):
    from shop.search.selectors import product_facets_cached

    categories = Category.objects.filter(depth=1)
    product_facets_cached(ProductFilters(), categories=categories)
    with django_assert_num_queries(0):
        cached = product_facets_cached(ProductFilters(), categories=categories)
    assert cached.pet_safe_count == 1

    # a new pet-safe plant is counted at once
    PlantFactory(species=SpeciesFactory(toxic_to_cats=False, toxic_to_dogs=False))

    assert (
        product_facets_cached(ProductFilters(), categories=categories).pet_safe_count
        == 2
    )


def test_shop_root_opens_the_catalogue():
    response = Client().get("/shop/")

    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:index")
