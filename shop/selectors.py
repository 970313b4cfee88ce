"""Read-side of the shop for other apps (cms blocks, identification results).

Every function here runs a fixed number of queries whatever the number of
products: stock records, images and classes are fetched up front, and the
strategy reads from those prefetched caches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency as format_currency

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")


def product_priced_queryset() -> QuerySet:
    """Public, browsable products with everything the strategy reads prefetched."""
    return (
        Product.objects.filter(is_public=True)
        # Variants (parent/child) are not sold here; the strategy would query
        # every parent's children one by one.
        .filter(structure=Product.STANDALONE)
        .select_related("product_class", "species")
        .prefetch_related(
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.select_related("partner").order_by("pk"),
            ),
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
        )
    )


def _price_of(purchase_info: Any) -> tuple[Decimal | None, str | None]:
    price = purchase_info.price
    if not price.exists:
        return None, None
    amount = price.incl_tax if price.is_tax_known else price.excl_tax
    return amount, price.currency


def species_product_summaries(species_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Products on sale for each species, priced with the default strategy.

    Two queries in all (products, stock records). Species without products
    are absent from the result.
    """
    ids = {int(pk) for pk in species_ids}
    if not ids:
        return {}
    strategy = Selector().strategy()
    products = (
        product_priced_queryset()
        .filter(species_id__in=ids)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk"))
        )
        .order_by("title", "pk")
    )
    summaries: dict[int, list[dict]] = {}
    for product in products:
        info = strategy.fetch_for_product(product)
        amount, currency = _price_of(info)
        summaries.setdefault(product.species_id, []).append(
            {
                "title": product.get_title(),
                "url": product.get_absolute_url(),
                "price": f"{amount:.2f}" if amount is not None else None,
                "currency": currency,
                "in_stock": bool(info.availability.is_available_to_buy),
            }
        )
    return summaries


@dataclass(frozen=True)
class ProductCard:
    """What a product card or grid needs, without touching the ORM again."""

    id: int
    title: str
    url: str
    image_url: str | None
    image_alt: str
    price: Decimal | None
    price_text: str
    currency: str | None
    is_available: bool
    num_available: int | None
    availability_text: str
    # The add-to-basket form posts ``quantity`` (and the CSRF token) here.
    add_to_basket_url: str
    species_id: int | None = None

    @property
    def product_id(self) -> int:
        return self.id


def product_card_from(product: Any, strategy: Any) -> ProductCard:
    info = strategy.fetch_for_product(product)
    amount, currency = _price_of(info)
    image = next(iter(product.images.all()), None)
    return ProductCard(
        id=product.pk,
        title=product.get_title(),
        url=product.get_absolute_url(),
        image_url=image.original.url if image is not None else None,
        image_alt=(image.caption if image is not None else "") or product.get_title(),
        price=amount,
        price_text=format_currency(amount, currency) if amount is not None else "",
        currency=currency,
        is_available=bool(info.availability.is_available_to_buy),
        num_available=getattr(info.availability, "num_available", None),
        availability_text=str(info.availability.short_message),
        add_to_basket_url=reverse("basket:add", kwargs={"pk": product.pk}),
        species_id=product.species_id,
    )


def product_cards_list(
    *, product_ids: Sequence[int], strategy: Any
) -> list[ProductCard]:
    """Cards for the given products in the given order (unknown or hidden ids
    are skipped). Three queries whatever the length of ``product_ids``."""
    wanted = [int(pk) for pk in product_ids]
    if not wanted:
        return []
    by_id = {p.pk: p for p in product_priced_queryset().filter(pk__in=wanted)}
    return [
        product_card_from(by_id[pk], strategy)
        for pk in dict.fromkeys(wanted)
        if pk in by_id
    ]
