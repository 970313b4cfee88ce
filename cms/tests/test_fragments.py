"""Render-time savings: the related-links fragment and primed renditions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model

import pytest

from cms.selectors import CARD_IMAGE_SPECS, image_renditions_prime

from .factories import ArticlePageFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_off(settings):
    # The whole-page cache would hide what the render itself does.
    settings.CMS_PAGE_CACHE = False


def _get(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many related-pages queries rendering it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    related_queries = sum('AS "shared"' in query["sql"] for query in queries)
    return response.content.decode(), related_queries


def test_related_links_are_reused_until_a_page_is_published(
    client, article_index, page_cache_off
):
    # Given an article with one related article, rendered once
    page = ArticlePageFactory(parent=article_index, slug="main", tags=["pets"])
    ArticlePageFactory(parent=article_index, title="First friend", tags=["pets"])
    first_html, first_queries = _get(client, page.url)

    # When it is rendered again, then the related links come from the cache
    again_html, again_queries = _get(client, page.url)
    assert again_html.count("First friend") == first_html.count("First friend") == 1
    assert (first_queries, again_queries) == (2, 0)  # articles + guides, then none

    # When another related article is published, then it shows at once
    ArticlePageFactory(parent=article_index, title="Second friend", tags=["pets"])
    after_html, _ = _get(client, page.url)
    assert "First friend" in after_html
    assert "Second friend" in after_html


def test_related_links_follow_an_unpublished_page(
    client, article_index, page_cache_off
):
    page = ArticlePageFactory(parent=article_index, slug="main", tags=["pets"])
    friend = ArticlePageFactory(parent=article_index, title="Old friend", tags=["pets"])
    assert "Old friend" in _get(client, page.url)[0]

    friend.unpublish()

    assert "Old friend" not in _get(client, page.url)[0]


def test_primed_image_answers_its_renditions_without_the_cache(
    django_assert_num_queries,
):
    # Given an image whose card renditions were made (and cached) before
    image = ImageFactory()
    made = image.get_renditions(*CARD_IMAGE_SPECS)
    fresh = get_image_model().objects.get(id=image.id)

    # When it is primed, then its renditions come without any lookup
    image_renditions_prime([(fresh, CARD_IMAGE_SPECS)])
    with django_assert_num_queries(0):
        renditions = fresh.get_renditions(*CARD_IMAGE_SPECS)

    assert [r.id for r in renditions.values()] == [r.id for r in made.values()]
    assert all(r.image is fresh for r in renditions.values())


def test_an_image_with_a_rendition_missing_is_left_to_wagtail():
    # Given an image with only one of the card renditions made
    image = ImageFactory()
    image.get_renditions(CARD_IMAGE_SPECS[0])
    fresh = get_image_model().objects.get(id=image.id)

    # When it is primed, then nothing is prefetched and the missing one is made
    image_renditions_prime([(fresh, CARD_IMAGE_SPECS)])
    assert not hasattr(fresh, "prefetched_renditions")
    renditions = fresh.get_renditions(*CARD_IMAGE_SPECS)
    assert list(renditions) == list(CARD_IMAGE_SPECS)


def test_home_lists_are_reused_until_a_page_is_published(
    client, home_page, article_index, page_cache_off
):
    # Given the home page rendered once with one article
    ArticlePageFactory(parent=article_index, title="Early article")
    assert "Early article" in client.get("/").content.decode()

    # When it is rendered again, then the listing queries are not run
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not any("cms_articlepage" in query["sql"] for query in queries)

    # When another article is published, then it shows at once
    ArticlePageFactory(parent=article_index, title="Fresh article")
    html = client.get("/").content.decode()
    assert "Fresh article" in html
    assert "Early article" in html
