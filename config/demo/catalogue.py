"""Demo catalogue: plants (one product per species and pot size) and pots & tools.

Plant facts are never copied onto products: a plant product points at its
species, and the shop's filters read the species. Everything is keyed on a
stable UPC, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from .illustrations import image_to_jpeg_bytes, object_illustration, plant_illustration
from .plants import plant_facts_list

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
Country = get_model("address", "Country")

INDOOR, OUTDOOR, SUCCULENTS, POTS = (
    "Indoor",
    "Outdoor",
    "Succulents & cacti",
    "Pots & tools",
)
CATEGORY_NAMES = (INDOOR, OUTDOOR, SUCCULENTS, POTS)

# Which shop categories a species is sold in (a merchandising choice, not a
# plant fact). Anything not listed is an indoor plant.
SPECIES_CATEGORIES = {
    "Aloe vera": (INDOOR, SUCCULENTS),
    "Crassula ovata": (INDOOR, SUCCULENTS),
    "Hibiscus rosa-sinensis": (OUTDOOR, INDOOR),
    "Nephrolepis exaltata": (INDOOR, OUTDOOR),
}
# Species also sold as a larger plant; (pot size cm, price) pairs.
SIZES_DEFAULT = ((12, Decimal("14.00")),)
SIZES_LARGE = ((12, Decimal("16.00")), (21, Decimal("38.00")))
LARGE_SPECIES = {
    "Monstera deliciosa",
    "Ficus lyrata",
    "Dracaena trifasciata",
    "Zamioculcas zamiifolia",
    "Epipremnum aureum",
    "Spathiphyllum wallisii",
}
# Demo stock levels, cycled: some plentiful, some low ("3 left"), one sold out.
STOCK_LEVELS = (24, 3, 12, 8, 0, 15, 2, 30)


@dataclass(frozen=True)
class PotOrTool:
    upc: str
    title: str
    kind: str
    material: str
    price: Decimal
    stock: int
    description: str


POTS_AND_TOOLS = (
    PotOrTool(
        "CNP-POT-TERRACOTTA-12",
        "Terracotta pot, 12 cm",
        "pot",
        "Terracotta",
        Decimal("6.50"),
        40,
        "Unglazed terracotta breathes, so roots dry out evenly. Drainage hole and saucer.",
    ),
    PotOrTool(
        "CNP-POT-GLAZED-21",
        "Glazed ceramic pot, 21 cm",
        "planter",
        "Glazed ceramic",
        Decimal("24.00"),
        12,
        "A heavy glazed planter for floor plants, with a drainage hole.",
    ),
    PotOrTool(
        "CNP-TOOL-WATERING-CAN",
        "Indoor watering can, 1 litre",
        "watering-can",
        "Powder-coated steel",
        Decimal("18.00"),
        9,
        "A long thin spout reaches under leaves to the soil.",
    ),
    PotOrTool(
        "CNP-TOOL-TROWEL",
        "Hand trowel",
        "trowel",
        "Stainless steel and ash",
        Decimal("12.00"),
        20,
        "A narrow blade for repotting without tearing roots.",
    ),
    PotOrTool(
        "CNP-SOIL-AROID-5L",
        "Aroid potting mix, 5 litres",
        "soil",
        "Bark, coir and perlite",
        Decimal("9.50"),
        25,
        "A chunky, free-draining mix for monsteras, pothos and other aroids.",
    ),
    PotOrTool(
        "CNP-FEED-HOUSEPLANT",
        "Houseplant feed, 250 ml",
        "feed",
        "Liquid concentrate",
        Decimal("7.00"),
        3,
        "A balanced liquid feed to dilute into the watering can in the growing season.",
    ),
)


def _product_class(name: str, slug: str, attributes: list[tuple[str, str, str]]):
    product_class, _ = ProductClass.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "requires_shipping": True, "track_stock": True},
    )
    for code, attr_name, attr_type in attributes:
        ProductAttribute.objects.get_or_create(
            product_class=product_class,
            code=code,
            defaults={"name": attr_name, "type": attr_type},
        )
    return product_class


def _upsert_product(
    *, upc: str, product_class, title: str, description: str, species=None
):
    product = Product.objects.filter(upc=upc).first()
    if product is None:
        product = Product(
            upc=upc, product_class=product_class, structure=Product.STANDALONE
        )
    changed = (
        product.pk is None
        or product.title != title
        or product.description != description
        or product.species_id != (species.pk if species else None)
    )
    product.title = title
    product.description = description
    product.species = species
    return product, changed


def _ensure_stock(product, partner, *, price: Decimal, stock: int) -> None:
    StockRecord.objects.get_or_create(
        product=product,
        partner=partner,
        defaults={
            "partner_sku": product.upc,
            "price_currency": "GBP",
            "price": price,
            "num_in_stock": stock,
            "num_allocated": 0,
        },
    )


def _ensure_images(product, drawings) -> None:
    if product.images.exists():
        return
    for order, (name, image) in enumerate(drawings):
        ProductImage.objects.create(
            product=product,
            original=ContentFile(image_to_jpeg_bytes(image), name=name),
            caption=product.title if order == 0 else "",
            display_order=order,
        )


def _ensure_categories(product, categories) -> None:
    for category in categories:
        ProductCategory.objects.get_or_create(product=product, category=category)


def _plant_description(facts, pot_size: int) -> str:
    common = ", ".join(facts.common_names[:3]) if facts else ""
    lead = f"{facts.scientific_name} ({common})." if common else ""
    return (
        f"{lead} Supplied in a {pot_size} cm nursery pot. "
        "Light, watering and pet-safety facts are on the species card below."
    ).strip()


def _ensure_offers(plant_class) -> None:
    plants, _ = Range.objects.get_or_create(
        name="All plants", defaults={"description": "Every plant in the shop."}
    )
    plants.classes.add(plant_class)
    everything, _ = Range.objects.get_or_create(
        name="Everything", defaults={"includes_all_products": True}
    )
    if not ConditionalOffer.objects.filter(name="Three plants, 10% off").exists():
        ConditionalOffer.objects.create(
            name="Three plants, 10% off",
            description="Buy any three plants and save 10% on them.",
            offer_type=ConditionalOffer.SITE,
            condition=Condition.objects.create(
                range=plants, type=Condition.COUNT, value=3
            ),
            benefit=Benefit.objects.create(
                range=plants, type=Benefit.PERCENTAGE, value=Decimal("10.00")
            ),
        )
    voucher_offer = ConditionalOffer.objects.filter(name="Voucher GREENTHUMB").first()
    if voucher_offer is None:
        voucher_offer = ConditionalOffer.objects.create(
            name="Voucher GREENTHUMB",
            description="£5 off an order of £30 or more.",
            offer_type=ConditionalOffer.VOUCHER,
            condition=Condition.objects.create(
                range=everything, type=Condition.VALUE, value=Decimal("30.00")
            ),
            benefit=Benefit.objects.create(
                range=everything, type=Benefit.FIXED, value=Decimal("5.00")
            ),
        )
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    voucher, _ = Voucher.objects.get_or_create(
        code="GREENTHUMB",
        defaults={
            "name": "Green thumb welcome",
            "usage": Voucher.MULTI_USE,
            "start_datetime": start - dt.timedelta(days=1),
            "end_datetime": start + dt.timedelta(days=3650),
        },
    )
    voucher.offers.add(voucher_offer)


@transaction.atomic
def demo_catalogue_load(species: list) -> list:
    """Create (or find) the demo catalogue; returns every demo product."""
    facts_by_name = {facts.scientific_name: facts for facts in plant_facts_list()}
    partner, _ = Partner.objects.get_or_create(
        code="canopy", defaults={"name": "Canopy"}
    )
    plant_class = _product_class(
        "Plant", "plant", [("pot_size_cm", "Pot size (cm)", "integer")]
    )
    tool_class = _product_class(
        "Pot & tool", "pot-tool", [("material", "Material", "text")]
    )
    categories = {name: create_from_breadcrumbs(name) for name in CATEGORY_NAMES}

    products = []
    plants_by_species: dict[int, list] = {}
    for index, plant in enumerate(sorted(species, key=lambda s: s.scientific_name)):
        facts = facts_by_name.get(plant.scientific_name)
        name = (
            plant.common_names[0][:1].upper() + plant.common_names[0][1:]
            if plant.common_names
            else plant.scientific_name
        )
        sizes = SIZES_LARGE if plant.scientific_name in LARGE_SPECIES else SIZES_DEFAULT
        for size_index, (pot_size, price) in enumerate(sizes):
            upc = f"CNP-PLANT-{plant.slug}-{pot_size}".upper()[:64]
            product, changed = _upsert_product(
                upc=upc,
                product_class=plant_class,
                title=f"{name}, {pot_size} cm pot",
                description=_plant_description(facts, pot_size),
                species=plant,
            )
            if changed:
                product.attr.pot_size_cm = pot_size
                product.save()
            _ensure_stock(
                product,
                partner,
                price=price,
                stock=STOCK_LEVELS[(index + size_index) % len(STOCK_LEVELS)],
            )
            _ensure_images(
                product,
                [
                    (
                        f"{plant.slug}-{pot_size}-{variant}.jpg",
                        plant_illustration(plant.scientific_name, variant=variant),
                    )
                    for variant in (size_index, size_index + 2)
                ],
            )
            _ensure_categories(
                product,
                [
                    categories[c]
                    for c in SPECIES_CATEGORIES.get(plant.scientific_name, (INDOOR,))
                ],
            )
            products.append(product)
            plants_by_species.setdefault(plant.pk, []).append(product)

    extras = []
    for item in POTS_AND_TOOLS:
        product, changed = _upsert_product(
            upc=item.upc,
            product_class=tool_class,
            title=item.title,
            description=item.description,
        )
        if changed:
            product.attr.material = item.material
            product.save()
        _ensure_stock(product, partner, price=item.price, stock=item.stock)
        _ensure_images(
            product,
            [
                (
                    f"{item.upc.lower()}.jpg",
                    object_illustration(item.title, kind=item.kind),
                )
            ],
        )
        _ensure_categories(product, [categories[POTS]])
        extras.append(product)
    products.extend(extras)

    # Recommend a pot, the mix and the feed with every plant.
    pot, big_pot, _can, _trowel, soil, feed = extras
    for plant_products in plants_by_species.values():
        for product in plant_products:
            planter = big_pot if product.upc.endswith("-21") else pot
            for ranking, recommendation in enumerate((planter, soil, feed)):
                ProductRecommendation.objects.get_or_create(
                    primary=product,
                    recommendation=recommendation,
                    defaults={"ranking": 10 - ranking},
                )

    _ensure_offers(plant_class)
    # Checkout ships to the UK; Oscar needs the country row to offer it.
    Country.objects.get_or_create(
        iso_3166_1_a2="GB",
        defaults={
            "iso_3166_1_a3": "GBR",
            "iso_3166_1_numeric": "826",
            "printable_name": "United Kingdom",
            "name": "United Kingdom of Great Britain and Northern Ireland",
            "is_shipping_country": True,
        },
    )
    return products
