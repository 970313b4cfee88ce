"""Reads for pages: listings, related content, care-guide links, products."""

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


def product_cards_for_request(request, *, product_ids: Iterable[int]) -> dict:
    """Cards by product id, priced with the visitor's strategy."""
    ids = list(product_ids)
    if not ids:
        return {}
    cards = product_cards_list(product_ids=ids, strategy=strategy_for_request(request))
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
