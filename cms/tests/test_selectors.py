"""Listings, filters, related content and the identify link, with query counts."""

import datetime

from django.http import QueryDict

import pytest

from cms.selectors import (
    CareGuideFilters,
    article_list,
    care_guide_list,
    care_guide_urls_for_species,
    related_pages_list,
)

from .factories import ArticlePageFactory, CareGuidePageFactory, SpeciesFactory

pytestmark = pytest.mark.django_db


def test_care_guide_urls_for_species_in_one_query(
    guide_index, django_assert_num_queries
):
    monstera = SpeciesFactory(scientific_name="Monstera deliciosa")
    pothos = SpeciesFactory(scientific_name="Epipremnum aureum")
    no_guide = SpeciesFactory(scientific_name="Ficus lyrata")
    CareGuidePageFactory(parent=guide_index, slug="monstera", species=monstera)
    draft = CareGuidePageFactory(parent=guide_index, slug="pothos", species=pothos)
    draft.unpublish()
    care_guide_urls_for_species([monstera.id])  # warms Wagtail's site-root cache

    with django_assert_num_queries(1):
        urls = care_guide_urls_for_species([monstera.id, pothos.id, no_guide.id])

    assert urls == {monstera.id: "/guides/monstera/"}


def test_care_guide_urls_for_no_species_is_empty_without_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        assert care_guide_urls_for_species([]) == {}


def test_articles_are_newest_first_and_filter_by_tag(article_index):
    old = ArticlePageFactory(
        parent=article_index, date=datetime.date(2026, 1, 1), tags=["watering"]
    )
    new = ArticlePageFactory(
        parent=article_index, date=datetime.date(2026, 5, 1), tags=["light"]
    )
    middle = ArticlePageFactory(
        parent=article_index,
        date=datetime.date(2026, 3, 1),
        tags=["watering", "light"],
    )
    draft = ArticlePageFactory(parent=article_index, tags=["watering"])
    draft.unpublish()

    assert list(article_list(index_page=article_index)) == [new, middle, old]
    assert list(article_list(index_page=article_index, tag="watering")) == [
        middle,
        old,
    ]
    assert list(article_list(index_page=article_index, tag="nope")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Aloe", "Calathea", "Spider plant"]),
        ("light=low", ["Calathea"]),
        ("difficulty=easy", ["Aloe", "Spider plant"]),
        ("pet_safe=1", ["Calathea", "Spider plant"]),
        ("pet_safe=1&difficulty=easy", ["Spider plant"]),
        ("light=sunny-ish", ["Aloe", "Calathea", "Spider plant"]),
    ],
)
def test_care_guides_filter_by_light_pet_safety_and_difficulty(
    guide_index, query, expected
):
    CareGuidePageFactory(
        parent=guide_index,
        title="Aloe",
        species=SpeciesFactory(
            light="direct", difficulty="easy", toxic_to_cats=True, toxic_to_dogs=True
        ),
    )
    CareGuidePageFactory(
        parent=guide_index,
        title="Calathea",
        species=SpeciesFactory(
            light="low", difficulty="hard", toxic_to_cats=False, toxic_to_dogs=False
        ),
    )
    CareGuidePageFactory(
        parent=guide_index,
        title="Spider plant",
        species=SpeciesFactory(
            light="bright_indirect",
            difficulty="easy",
            toxic_to_cats=False,
            toxic_to_dogs=False,
        ),
    )
    # Unknown toxicity never counts as pet-safe.
    CareGuidePageFactory(
        parent=guide_index,
        title="Mystery",
        species=SpeciesFactory(light="medium", difficulty="medium"),
    ) if query else None

    filters = CareGuideFilters.from_query(QueryDict(query))
    titles = [
        page.title for page in care_guide_list(index_page=guide_index, filters=filters)
    ]

    if not query:
        assert titles == expected
    else:
        assert [t for t in titles if t != "Mystery"] == expected
        if "pet_safe" in query:
            assert "Mystery" not in titles


def test_related_pages_share_tags_across_articles_and_guides(
    article_index, guide_index, django_assert_max_num_queries
):
    page = ArticlePageFactory(parent=article_index, tags=["pets", "light"])
    both = ArticlePageFactory(parent=article_index, tags=["pets", "light"])
    one = CareGuidePageFactory(parent=guide_index, tags=["pets"])
    ArticlePageFactory(parent=article_index, tags=["repotting"])

    with django_assert_max_num_queries(3):
        related = related_pages_list(page=page)

    assert related == [both, one]


def test_listings_leave_out_pages_behind_a_view_restriction(article_index, guide_index):
    from wagtail.models import PageViewRestriction

    public = ArticlePageFactory(parent=article_index)
    private = ArticlePageFactory(parent=article_index)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    species = SpeciesFactory()
    CareGuidePageFactory(parent=guide_index, slug="hidden", species=species)
    PageViewRestriction.objects.create(
        page=guide_index, restriction_type=PageViewRestriction.LOGIN
    )

    assert list(article_list(index_page=article_index)) == [public]
    assert list(care_guide_list(index_page=guide_index)) == []
    assert care_guide_urls_for_species([species.id]) == {}
