"""The demo catalogue: what contracts.md promises, and idempotent."""

from oscar.core.loading import get_model

import pytest

from config.demo.catalogue import demo_catalogue_load
from config.demo.species import demo_species_load

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _snapshot():
    return (
        Product.objects.count(),
        StockRecord.objects.count(),
        Category.objects.count(),
        ConditionalOffer.objects.count(),
        Voucher.objects.count(),
        sorted(Product.objects.values_list("upc", "title", "species_id")),
    )


def test_demo_catalogue_loads_the_promised_shop_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    species = demo_species_load()

    products = demo_catalogue_load(species)
    first = _snapshot()
    demo_catalogue_load(demo_species_load())

    assert _snapshot() == first
    assert len(products) >= 20
    assert {"Indoor", "Outdoor", "Succulents & cacti", "Pots & tools"} <= set(
        Category.objects.values_list("name", flat=True)
    )
    plants = Product.objects.filter(product_class__slug="plant")
    assert not plants.filter(species__isnull=True).exists()
    assert all(p.images.exists() for p in products)
    assert StockRecord.objects.filter(partner__name="Canopy").count() == len(products)
    assert ConditionalOffer.objects.filter(offer_type="Site").count() == 1
    assert Voucher.objects.filter(code="GREENTHUMB").exists()
