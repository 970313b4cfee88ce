"""The result's care-guide/product links: cached briefly, retired on change."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from config.api_errors import ApiError
from identify.selectors import species_links
from identify.services import identification_rate_limit_hit

from .factories import SpeciesFactory

pytestmark = pytest.mark.django_db


def test_links_are_resolved_once_then_served_from_the_cache():
    # given a species with a guide and a product (test resolvers)
    species = SpeciesFactory(scientific_name="Pilea peperomioides")
    first = species_links([species.id])

    # when the same links are asked for again
    with CaptureQueriesContext(connection) as queries:
        again = species_links([species.id, species.id])

    # then they come from the cache, unchanged, without a query
    assert again == first
    assert first[0] == {species.id: "/guides/pilea-peperomioides/"}
    assert len(queries) == 0


def test_saving_a_species_retires_its_cached_links():
    # given cached links
    species = SpeciesFactory(scientific_name="Pilea peperomioides")
    species_links([species.id])

    # when the species changes (the test resolvers build URLs from its slug)
    species.slug = "chinese-money-plant"
    species.save()

    # then the next lookup is live again
    guides, products = species_links([species.id])
    assert guides == {species.id: "/guides/chinese-money-plant/"}
    assert products[species.id][0]["url"] == "/shop/catalogue/chinese-money-plant/"


def test_a_failed_lookup_is_not_remembered(settings):
    # given a product resolver that fails once
    species = SpeciesFactory(scientific_name="Pilea peperomioides")
    settings.IDENTIFY_PRODUCT_SUMMARIES = "identify.tests.test_links_cache.broken"

    # when links are asked for, they come without products
    guides, products = species_links([species.id])
    assert guides == {species.id: "/guides/pilea-peperomioides/"}
    assert products == {}

    # then once the resolver works again, the products are there
    settings.IDENTIFY_PRODUCT_SUMMARIES = "identify.tests.resolvers.product_summaries"
    assert species_links([species.id])[1][species.id][0]["price"] == "18.00"


def broken(species_ids):
    raise RuntimeError("the shop is down")


def test_the_rate_limit_counts_every_request_and_refuses_past_the_limit(settings):
    # given a limit of 3 an hour for a fresh owner
    settings.IDENTIFY_RATE_LIMIT_PER_HOUR = 3
    owner_key = f"anon:{uuid.uuid4().hex}"

    # when the owner posts three times, then a fourth
    for _ in range(3):
        identification_rate_limit_hit(owner_key=owner_key)
    with pytest.raises(ApiError) as refused:
        identification_rate_limit_hit(owner_key=owner_key)

    # then the fourth is refused with 429
    assert refused.value.code == "rate_limited"
    assert refused.value.status == 429
