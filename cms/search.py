"""Site-wide search across pages and products, forgiving of typos.

PostgreSQL: Wagtail's database backend with trigram fuzzy matching (pg_trgm)
for pages, trigram word similarity for product titles. SQLite has neither,
so there each word is first corrected against the site's own vocabulary
(page titles, species names, product titles), then searched plainly.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import FloatField, Q, Value
from django.db.models.functions import Coalesce, Greatest

from wagtail.models import Page
from wagtail.search.query import Fuzzy, PlainText

from oscar.core.loading import get_model

MAX_QUERY_LENGTH = 100
PAGE_RESULTS = 20
PRODUCT_RESULTS = 8
_WORD = re.compile(r"[\w'-]+", re.UNICODE)


@dataclass
class SearchResults:
    query: str
    searched_for: str
    pages: list = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)

    @property
    def corrected(self) -> bool:
        return self.searched_for.lower() != self.query.lower()


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _vocabulary() -> set[str]:
    from identify.models import Species

    product_model = get_model("catalogue", "Product")
    texts: list[str] = list(
        Page.objects.live().public().values_list("title", flat=True)
    )
    texts += product_model.objects.filter(is_public=True).values_list(
        "title", flat=True
    )
    for scientific_name, common_names in Species.objects.values_list(
        "scientific_name", "common_names"
    ):
        texts.append(scientific_name)
        texts.extend(common_names or [])
    return {word.lower() for text in texts for word in _WORD.findall(text)}


def _corrected(query: str) -> str:
    vocabulary = _vocabulary()
    words = []
    for word in _WORD.findall(query):
        lowered = word.lower()
        if lowered in vocabulary or len(lowered) < 4:
            words.append(word)
            continue
        match = difflib.get_close_matches(lowered, vocabulary, n=1, cutoff=0.75)
        words.append(match[0] if match else word)
    return " ".join(words)


def site_search(query: str) -> SearchResults:
    """Pages and product ids matching ``query``, best first."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResults(query="", searched_for="")
    pages = Page.objects.live().public().exclude(depth__lte=1)
    product_model = get_model("catalogue", "Product")
    products = product_model.objects.filter(is_public=True).exclude(structure="child")
    if _is_postgres():
        from django.contrib.postgres.search import TrigramWordSimilarity

        page_results = list(pages.search(Fuzzy(query))[:PAGE_RESULTS])
        # A product matches on its own title or on the species it sells.
        product_ids = list(
            products.annotate(
                similarity=Greatest(
                    TrigramWordSimilarity(query, "title"),
                    Coalesce(
                        TrigramWordSimilarity(query, "species__scientific_name"),
                        Value(0.0, output_field=FloatField()),
                    ),
                )
            )
            .filter(Q(similarity__gte=0.4) | Q(title__icontains=query))
            .order_by("-similarity", "title")
            .values_list("id", flat=True)[:PRODUCT_RESULTS]
        )
        return SearchResults(
            query=query, searched_for=query, pages=page_results, product_ids=product_ids
        )

    searched_for = _corrected(query)
    page_results = list(
        pages.search(PlainText(searched_for, operator="or"))[:PAGE_RESULTS]
    )
    condition = Q()
    for word in _WORD.findall(searched_for):
        if len(word) >= 3:
            condition |= Q(title__icontains=word) | Q(
                species__scientific_name__icontains=word
            )
    product_ids = (
        list(products.filter(condition).order_by("title").values_list("id", flat=True))[
            :PRODUCT_RESULTS
        ]
        if condition
        else []
    )
    return SearchResults(
        query=query,
        searched_for=searched_for,
        pages=page_results,
        product_ids=product_ids,
    )
