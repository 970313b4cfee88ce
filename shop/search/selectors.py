"""Catalogue browsing and search on the database: one engine for the whole site.

PostgreSQL: full-text search (weighted title, species names, description)
plus trigram word similarity on the title and the scientific name, so a typo
("monstra") still finds Monstera. SQLite: substring matching widened by a
fuzzy match of each query word against the catalogue's own vocabulary.

Facets are counted with aggregate queries over the filtered result set, one
query per facet family, so a page costs the same whatever its size.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from oscar.core.loading import get_model

from identify.models import Difficulty, Light
from shop.selectors import product_priced_queryset

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

FACETS_CACHE_SECONDS = 300
CATALOGUE_VERSION_KEY = "shop:catalogue-version"
# word_similarity above this counts as a typo match ("monstra" ~ "monstera").
TRIGRAM_THRESHOLD = 0.45
SQLITE_FUZZY_CUTOFF = 0.75
POT_SIZE_CODE = "pot_size_cm"

SORTS = {
    "relevance": "Relevance",
    "popular": "Most popular",
    "newest": "Newest",
    "price-asc": "Price, low to high",
    "price-desc": "Price, high to low",
}
PRICE_BANDS = (
    ("0-10", "Under £10", Decimal("0"), Decimal("10")),
    ("10-20", "£10 to £20", Decimal("10"), Decimal("20")),
    ("20-40", "£20 to £40", Decimal("20"), Decimal("40")),
    ("40-", "£40 and over", Decimal("40"), None),
)


@dataclass(frozen=True)
class ProductFilters:
    query: str = ""
    category_ids: tuple[int, ...] = ()
    lights: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    pet_safe: bool = False
    pot_sizes: tuple[int, ...] = ()
    product_class_slugs: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str = "relevance"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facets:
    categories: list[FacetOption] = field(default_factory=list)
    lights: list[FacetOption] = field(default_factory=list)
    difficulties: list[FacetOption] = field(default_factory=list)
    pot_sizes: list[FacetOption] = field(default_factory=list)
    product_classes: list[FacetOption] = field(default_factory=list)
    price_bands: list[FacetOption] = field(default_factory=list)
    pet_safe_count: int = 0


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _vocabulary() -> list[str]:
    """Lower-case words of public titles and species names (SQLite fallback)."""
    words: set[str] = set()
    rows = Product.objects.filter(is_public=True).values_list(
        "title", "species__scientific_name", "species__common_names"
    )
    for title, scientific_name, common_names in rows:
        text = " ".join([title or "", scientific_name or "", *(common_names or [])])
        words.update(w for w in re.findall(r"[a-z]{3,}", text.lower()))
    return sorted(words)


def _text_search(queryset: QuerySet, query: str) -> QuerySet:
    if _is_postgres():
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("species__scientific_name", weight="A", config="simple")
            + SearchVector(
                Cast("species__common_names", TextField()), weight="B", config="english"
            )
            + SearchVector("description", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        similarity = Greatest(
            TrigramWordSimilarity(query, "title"),
            TrigramWordSimilarity(
                query, Coalesce("species__scientific_name", Value(""))
            ),
        )
        return (
            queryset.annotate(
                rank=SearchRank(vector, search_query), similarity=similarity
            )
            .filter(Q(rank__gt=0) | Q(similarity__gte=TRIGRAM_THRESHOLD))
            .annotate(relevance=F("rank") + F("similarity"))
        )
    # SQLite: every query word, or its closest catalogue word, must appear;
    # matches in the name rank above matches in the description.
    vocabulary = _vocabulary()
    name_match = Q()
    for word in re.findall(r"\w+", query.lower()):
        candidates = {
            word,
            *difflib.get_close_matches(word, vocabulary, 3, SQLITE_FUZZY_CUTOFF),
        }
        word_q = Q()
        for candidate in candidates:
            in_name = (
                Q(title__icontains=candidate)
                | Q(species__scientific_name__icontains=candidate)
                | Q(species__common_names__icontains=candidate)
            )
            name_match |= in_name
            word_q |= in_name | Q(description__icontains=candidate)
        queryset = queryset.filter(word_q)
    return queryset.annotate(
        relevance=Case(
            When(name_match, then=Value(1.0)),
            default=Value(0.5),
            output_field=FloatField(),
        )
    )


def _filtered(base: QuerySet, filters: ProductFilters) -> QuerySet:
    queryset = base
    if filters.category_ids:
        queryset = queryset.filter(
            pk__in=ProductCategory.objects.filter(
                category_id__in=filters.category_ids
            ).values("product_id")
        )
    if filters.lights:
        queryset = queryset.filter(species__light__in=filters.lights)
    if filters.difficulties:
        queryset = queryset.filter(species__difficulty__in=filters.difficulties)
    if filters.pet_safe:
        # Unknown toxicity is not "pet safe": both facts must be known False.
        queryset = queryset.filter(
            species__toxic_to_cats=False, species__toxic_to_dogs=False
        )
    if filters.pot_sizes:
        queryset = queryset.filter(
            pk__in=ProductAttributeValue.objects.filter(
                attribute__code=POT_SIZE_CODE, value_integer__in=filters.pot_sizes
            ).values("product_id")
        )
    if filters.product_class_slugs:
        queryset = queryset.filter(product_class__slug__in=filters.product_class_slugs)
    queryset = queryset.annotate(min_price=Min("stockrecords__price"))
    if filters.min_price is not None:
        queryset = queryset.filter(min_price__gte=filters.min_price)
    if filters.max_price is not None:
        queryset = queryset.filter(min_price__lte=filters.max_price)
    if filters.query:
        queryset = _text_search(queryset, filters.query)
    return queryset


def _ordered(queryset: QuerySet, filters: ProductFilters) -> QuerySet:
    sort = filters.sort
    if sort == "relevance" and not filters.query:
        sort = "popular"
    if sort == "relevance":
        return queryset.order_by("-relevance", "title", "pk")
    if sort == "price-asc":
        return queryset.order_by(F("min_price").asc(nulls_last=True), "pk")
    if sort == "price-desc":
        return queryset.order_by(F("min_price").desc(nulls_last=True), "pk")
    if sort == "newest":
        return queryset.order_by("-date_created", "-pk")
    # Popularity: units sold (analytics' ProductRecord), then rating.
    return queryset.order_by(
        F("stats__num_purchases").desc(nulls_last=True),
        F("rating").desc(nulls_last=True),
        "title",
        "pk",
    )


def product_search(filters: ProductFilters) -> QuerySet:
    """The ordered result set; the page slice prefetches what cards need."""
    base = product_priced_queryset()
    return _ordered(_filtered(base, filters), filters)


def _options(rows, labels: dict[Any, str], selected) -> list[FacetOption]:
    selected_values = {str(v) for v in selected}
    options = [
        FacetOption(
            value=str(value),
            label=str(labels.get(value, value)),
            count=count,
            selected=str(value) in selected_values,
        )
        for value, count in rows
        if value not in (None, "")
    ]
    return options


def product_facets(filters: ProductFilters, *, categories: QuerySet) -> Facets:
    """Counts for each facet over the current result set (four queries)."""
    base = Product.objects.filter(is_public=True, structure=Product.STANDALONE)
    ids = _filtered(base, filters).values("pk")
    matching = Product.objects.filter(pk__in=ids)
    facets = Facets()

    category_rows = (
        ProductCategory.objects.filter(product__in=ids, category__in=categories)
        .values("category_id", "category__name")
        .annotate(count=Count("product_id", distinct=True))
        .order_by("category__name")
    )
    facets.categories = [
        FacetOption(
            value=str(row["category_id"]),
            label=row["category__name"],
            count=row["count"],
            selected=row["category_id"] in filters.category_ids,
        )
        for row in category_rows
    ]

    # One grouped query feeds the light, difficulty, class and pet-safe facets.
    rows = matching.values(
        "species__light",
        "species__difficulty",
        "species__toxic_to_cats",
        "species__toxic_to_dogs",
        "product_class__slug",
        "product_class__name",
    ).annotate(count=Count("pk"))
    lights: dict[str, int] = {}
    difficulties: dict[str, int] = {}
    classes: dict[tuple[str, str], int] = {}
    for row in rows:
        count = row["count"]
        if row["species__light"]:
            lights[row["species__light"]] = lights.get(row["species__light"], 0) + count
        if row["species__difficulty"]:
            key = row["species__difficulty"]
            difficulties[key] = difficulties.get(key, 0) + count
        if (
            row["species__toxic_to_cats"] is False
            and row["species__toxic_to_dogs"] is False
        ):
            facets.pet_safe_count += count
        class_key = (row["product_class__slug"], row["product_class__name"])
        classes[class_key] = classes.get(class_key, 0) + count
    light_order = [value for value, _ in Light.choices]
    facets.lights = _options(
        sorted(lights.items(), key=lambda kv: light_order.index(kv[0])),
        dict(Light.choices),
        filters.lights,
    )
    difficulty_order = [value for value, _ in Difficulty.choices]
    facets.difficulties = _options(
        sorted(difficulties.items(), key=lambda kv: difficulty_order.index(kv[0])),
        dict(Difficulty.choices),
        filters.difficulties,
    )
    facets.product_classes = [
        FacetOption(slug, name, count, slug in filters.product_class_slugs)
        for (slug, name), count in sorted(classes.items(), key=lambda kv: kv[0][1])
    ]

    pot_rows = list(
        ProductAttributeValue.objects.filter(
            product__in=ids, attribute__code=POT_SIZE_CODE
        )
        .values_list("value_integer")
        .annotate(count=Count("product_id", distinct=True))
        .order_by("value_integer")
    )
    facets.pot_sizes = _options(
        pot_rows, {size: f"{size} cm" for size, _ in pot_rows}, filters.pot_sizes
    )

    band_counts = _price_band_counts(matching)
    facets.price_bands = [
        FacetOption(
            key, label, band_counts.get(key, 0), _band_selected(filters, low, high)
        )
        for key, label, low, high in PRICE_BANDS
    ]
    return facets


def _price_band_counts(matching: QuerySet) -> dict[str, int]:
    cheapest = (
        StockRecord.objects.filter(product=OuterRef("pk"), price__isnull=False)
        .order_by("price")
        .values("price")[:1]
    )
    whens = [
        When(
            Q(price_min__gte=low)
            & (Q(price_min__lt=high) if high is not None else Q()),
            then=Value(key),
        )
        for key, _label, low, high in PRICE_BANDS
    ]
    rows = (
        matching.annotate(price_min=Subquery(cheapest))
        .annotate(band=Case(*whens, default=Value(""), output_field=TextField()))
        .values_list("band")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _band_selected(filters: ProductFilters, low: Decimal, high: Decimal | None) -> bool:
    return filters.min_price == low and filters.max_price == (
        high - Decimal("0.01") if high is not None else None
    )


def price_band_bounds(key: str) -> tuple[Decimal | None, Decimal | None]:
    for band_key, _label, low, high in PRICE_BANDS:
        if band_key == key:
            return low, (high - Decimal("0.01") if high is not None else None)
    return None, None


def catalogue_version() -> int:
    """Bumped whenever something facets count changes (see shop.receivers)."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        cache.add(CATALOGUE_VERSION_KEY, 1, timeout=None)
        version = cache.get(CATALOGUE_VERSION_KEY, 1)
    return version


def catalogue_version_bump() -> None:
    try:
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache.add(CATALOGUE_VERSION_KEY, 2, timeout=None)


def product_facets_cached(filters: ProductFilters, *, categories: QuerySet) -> Facets:
    """``product_facets``, cached until the catalogue changes.

    Facet counts depend on products, categories, prices and species facts,
    never on stock levels, so a listing can reuse them between edits; any
    save of those bumps the catalogue version and every cached entry misses.
    """
    try:
        category_key = str(categories.query)
    except EmptyResultSet:  # an empty queryset (a category with no children)
        category_key = "none"
    raw = f"{catalogue_version()}|{filters!r}|{category_key}"
    key = "shop:facets:" + hashlib.sha256(raw.encode()).hexdigest()
    facets = cache.get(key)
    if facets is None:
        facets = product_facets(filters, categories=categories)
        cache.set(key, facets, FACETS_CACHE_SECONDS)
    return facets
