"""Reads for pages: listings, related content, care-guide links, products."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.http import QueryDict

from wagtail.models import Page, PageViewRestriction

from cms.models import ArticlePage, CareGuidePage
from cms.product_cards import product_cards_list, strategy_for_request


def _public(queryset: QuerySet) -> QuerySet:
    """Pages under no view restriction, in the same query.

    Wagtail's ``.public()`` first loads every restriction (one more query per
    listing); a correlated EXISTS keeps listings at one query.
    """
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted))


# What a listing card shows (cms/includes/page_card.html). Page rows are wide;
# loading only these keeps the SQL (and its compilation) small. The hero image
# is joined whole: renditions need its focal point and file.
_CARD_FIELDS = ("title", "url_path", "path", "depth", "intro", "hero_image")
ARTICLE_CARD_FIELDS = (*_CARD_FIELDS, "date", "reading_minutes")
GUIDE_CARD_FIELDS = (*_CARD_FIELDS, "species", "species__scientific_name")


def _with_card_images(queryset: QuerySet, fields: tuple[str, ...]) -> QuerySet:
    # Renditions come from the "renditions" cache once warm, so only the
    # image rows are joined here.
    related = ["hero_image", *(f for f in fields if f == "species")]
    return queryset.select_related(*related).only(*fields)


# -- cross-app reads ---------------------------------------------------------
def care_guide_urls_for_species(species_ids: Iterable[int]) -> dict[int, str]:
    """The live care guide URL of each species that has one (one query).

    Called by the identify app (setting IDENTIFY_CARE_GUIDE_URLS). The oldest
    guide wins when a species has several.
    """
    ids = {int(species_id) for species_id in species_ids if species_id is not None}
    if not ids:
        return {}
    guides = (
        _public(CareGuidePage.objects.live())
        .filter(species_id__in=ids)
        .only("id", "url_path", "species_id", "path", "depth")
        .order_by("path")
    )
    urls: dict[int, str] = {}
    for guide in guides:
        if guide.species_id in urls:
            continue
        url = guide.get_url(None)
        if url:
            urls[guide.species_id] = url
    return urls


def product_cards_for_request(
    request, *, product_ids: Iterable[int], tag_versions: dict[str, int] | None = None
) -> dict:
    """Cards by product id, priced with the visitor's strategy.

    The products' tag versions (``tag_versions``, or read here) must be read
    before the products, so neither the page nor a kept card can be stored
    fresher-looking than what it shows.
    """
    from cms.page_cache import product_tag, tag_versions_stamp

    ids = list(product_ids)
    if not ids:
        return {}
    tags = {product_id: product_tag(product_id) for product_id in ids}
    if tag_versions is None:
        tag_versions = tag_versions_stamp(request, tags.values())
    cards = product_cards_list(
        product_ids=ids,
        strategy=strategy_for_request(request),
        versions={
            product_id: tag_versions[tag]
            for product_id, tag in tags.items()
            if tag in tag_versions
        },
    )
    return {card.id: card for card in cards}


def species_product_ids(species_id: int) -> list[int]:
    """Public products that sell ``species`` (shop's Product.species link).

    Empty until the shop's catalogue fork adds the link.
    """
    from oscar.core.loading import get_model

    product_model = get_model("catalogue", "Product")
    field_names = {field.name for field in product_model._meta.get_fields()}
    if "species" not in field_names:
        return []
    return list(
        product_model.objects.filter(species_id=species_id, is_public=True)
        .exclude(structure="child")
        .order_by("title")
        .values_list("id", flat=True)[:8]
    )


# -- articles ----------------------------------------------------------------
def article_list(*, index_page: Page | None = None, tag: str | None = None) -> QuerySet:
    """Live articles, newest first, with what a listing card shows."""
    articles = _public(ArticlePage.objects.live())
    if index_page is not None:
        articles = articles.child_of(index_page)
    if tag:
        articles = articles.filter(tags__slug=tag)
    articles = _with_card_images(articles, ARTICLE_CARD_FIELDS)
    return articles.order_by("-date", "-first_published_at", "-id")


def article_tag_list(limit: int = 30) -> list:
    """Tags used on live articles, most used first."""
    from taggit.models import Tag

    return list(
        Tag.objects.filter(cms_articlepagetag_items__content_object__live=True)
        .annotate(uses=Count("cms_articlepagetag_items"))
        .order_by("-uses", "name")[:limit]
    )


def article_tag_slugs() -> frozenset[str]:
    """Every tag on a live article: a tag filter naming another lists nothing."""
    from taggit.models import Tag

    return frozenset(
        Tag.objects.filter(
            cms_articlepagetag_items__content_object__live=True
        ).values_list("slug", flat=True)
    )


# -- care guides ---------------------------------------------------------------
@dataclass(frozen=True)
class CareGuideFilters:
    light: str = ""
    pet_safe: bool = False
    difficulty: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> "CareGuideFilters":
        """Shareable query parameters; unknown values are ignored, not errors."""
        from identify.models import Difficulty, Light

        light = query.get("light", "")
        difficulty = query.get("difficulty", "")
        return cls(
            light=light if light in Light.values else "",
            pet_safe=query.get("pet_safe") in {"1", "true", "yes", "on"},
            difficulty=difficulty if difficulty in Difficulty.values else "",
        )

    @property
    def is_active(self) -> bool:
        return bool(self.light or self.pet_safe or self.difficulty)

    @property
    def light_choices(self):
        from identify.models import Light

        return Light.choices

    @property
    def difficulty_choices(self):
        from identify.models import Difficulty

        return Difficulty.choices


def care_guide_list(
    *, index_page: Page | None = None, filters: CareGuideFilters | None = None
) -> QuerySet:
    guides = _public(CareGuidePage.objects.live())
    if index_page is not None:
        guides = guides.child_of(index_page)
    if filters is not None:
        if filters.light:
            guides = guides.filter(species__light=filters.light)
        if filters.difficulty:
            guides = guides.filter(species__difficulty=filters.difficulty)
        if filters.pet_safe:
            # Unknown toxicity is not "safe": both facts must be known False.
            guides = guides.filter(
                species__toxic_to_cats=False, species__toxic_to_dogs=False
            )
    return _with_card_images(guides, GUIDE_CARD_FIELDS).order_by("title")


# -- related content -----------------------------------------------------------
def related_pages_list(*, page, tags: list | None = None, limit: int = 3) -> list:
    """Articles and guides sharing a tag with ``page``, most shared tags first.

    Two queries (one per kind), plus one for the tags unless given.
    """
    if tags is None:
        tags = list(page.tags.all())
    tag_ids = [tag.id for tag in tags]
    if not tag_ids:
        return []
    articles = (
        _with_card_images(_public(ArticlePage.objects.live()), ARTICLE_CARD_FIELDS)
        .filter(tagged_items__tag_id__in=tag_ids)
        .exclude(id=page.id)
        .annotate(shared=Count("tagged_items"))
        .order_by("-shared", "-date")[:limit]
    )
    guides = (
        _with_card_images(_public(CareGuidePage.objects.live()), GUIDE_CARD_FIELDS)
        .filter(tagged_items__tag_id__in=tag_ids)
        .exclude(id=page.id)
        .annotate(shared=Count("tagged_items"))
        .order_by("-shared", "title")[:limit]
    )
    combined = [*articles, *guides]
    combined.sort(key=lambda item: -item.shared)
    return combined[:limit]


# -- image renditions ------------------------------------------------------------
# What the templates ask of each image; keep in step with them. A primed image
# answers only these specs without a lookup, so every spec its template uses
# must be listed (a missing one would be regenerated from the original file).
CARD_IMAGE_SPECS = ("fill-480x320-c60", "fill-960x640-c60")  # page_card.html
HERO_IMAGE_SPECS = (  # hero.html
    "fill-480x360-c75",
    "fill-960x720-c75",
    "fill-1440x1080-c75",
)
SHARE_IMAGE_SPECS = ("fill-1200x630",)  # page.html's og:image


@functools.cache
def _image_filter(spec: str):
    """One Filter per spec for the process: a Filter parses its operations
    once (through ``inspect``, ~80 µs a spec), and Wagtail makes a new one
    per lookup."""
    from wagtail.images.models import Filter

    return Filter(spec=spec)


def image_renditions_prime(specs_by_image: Iterable[tuple[object, Iterable[str]]]):
    """Load the renditions of many images from the renditions cache at once.

    Wagtail looks renditions up one image at a time (a cache round trip per
    image) and writes every cache hit back to the cache (a second round trip).
    One ``get_many`` for all of a page's images, handed to each image as its
    prefetched renditions, does neither. An image with any rendition missing
    from the cache is left alone: Wagtail finds or creates it as usual.
    """
    wanted: list[tuple[object, list[tuple[str, str]]]] = []
    for image, specs in specs_by_image:
        if image is None or image.is_svg():
            continue  # SVGs swap their filters; let Wagtail handle them
        rendition_model = image.get_rendition_model()
        keys = [
            (
                spec,
                rendition_model.construct_cache_key(
                    image, _image_filter(spec).get_cache_key(image), spec
                ),
            )
            for spec in dict.fromkeys(specs)
        ]
        wanted.append((image, keys))
    if not wanted:
        return
    backend = wanted[0][0].get_rendition_model().cache_backend
    found = backend.get_many([key for _, keys in wanted for _, key in keys])
    for image, keys in wanted:
        renditions = [found.get(key) for _, key in keys]
        if any(rendition is None for rendition in renditions):
            continue
        for rendition in renditions:
            rendition.image = image  # as Wagtail does for a cache hit
        image.prefetched_renditions = renditions


def card_renditions_prime(items: Iterable) -> None:
    """Prime the hero images of listing cards (cms/includes/page_card.html)."""
    image_renditions_prime(
        (getattr(item, "hero_image", None), CARD_IMAGE_SPECS) for item in items
    )
