"""Render-time savings: kept fragments (related links, listing cards, page
bodies) and primed renditions."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model

import pytest

from cms.selectors import CARD_IMAGE_SPECS, image_renditions_prime

from .factories import (
    ArticlePageFactory,
    ImageFactory,
    LandingPageFactory,
    PlantProductFactory,
)

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


@pytest.fixture
def offer_page(home_page):
    product = PlantProductFactory(title="Golden pothos", stock__price="9.00")
    page = LandingPageFactory(
        parent=home_page,
        slug="offers",
        body=[
            ("paragraph", "<p>Our offers.</p>"),
            ("product_card", {"product": product.pk, "note": "Easy going"}),
        ],
    )
    return page, product


def _product_queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), sum(
        '"catalogue_product"' in query["sql"] for query in queries
    )


def test_a_body_is_rendered_once_until_a_product_it_shows_changes(
    client, offer_page, page_cache_off, django_capture_on_commit_callbacks
):
    page, product = offer_page
    first_html, first_queries = _product_queries(client, page.url)
    again_html, again_queries = _product_queries(client, page.url)
    assert (first_queries, again_queries) == (1, 0)
    assert "Golden pothos" in again_html

    # A sale of the last units retires the body: the card disappears at once.
    record = product.stockrecords.get()
    with django_capture_on_commit_callbacks(execute=True):
        record.num_in_stock = 0
        record.save()
    sold_out_html, _ = _product_queries(client, page.url)
    assert "Golden pothos" not in sold_out_html
    assert "Our offers." in sold_out_html


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-cache"])
def test_each_visitor_gets_a_working_token_from_a_kept_body(
    settings, offer_page, page_cache
):
    """The add-to-basket form in a kept body is a hole, filled per visitor."""
    from django.test import Client

    settings.CMS_PAGE_CACHE = page_cache
    page, product = offer_page
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = visitor.get(page.url).content.decode()
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        tokens.append(token)
        assert "<!--pc:" not in html

    added = second.post(
        f"/shop/basket/add/{product.pk}/",
        {"quantity": 1, "csrfmiddlewaretoken": tokens[1]},
    )
    assert tokens[0] != tokens[1]
    assert added.status_code == 302  # to the basket, not a 403


def test_listings_are_kept_until_the_tree_changes(
    client, article_index, page_cache_off
):
    ArticlePageFactory(parent=article_index, title="Early article")
    client.get("/articles/")

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/articles/").content.decode()
    assert len(queries) == 0  # no route, count, listing or card
    assert "Early article" in html

    ArticlePageFactory(parent=article_index, title="Fresh article")
    html = client.get("/articles/").content.decode()
    assert html.index("Fresh article") < html.index("Early article")


def test_a_listing_card_outlives_publishes_of_other_pages_but_not_its_own(
    client, article_index, page_cache_off, monkeypatch
):
    from cms import selectors

    rendered = []
    original = selectors.card_renditions_prime

    def recording_prime(items):
        rendered.extend(item.title for item in items)
        return original(items)

    monkeypatch.setattr(selectors, "card_renditions_prime", recording_prime)
    early = ArticlePageFactory(parent=article_index, title="Early article")
    client.get("/articles/")
    assert rendered == ["Early article"]

    # Another page is published: only its own card is rendered.
    ArticlePageFactory(parent=article_index, title="Fresh article")
    client.get("/articles/")
    assert rendered == ["Early article", "Fresh article"]

    # The page itself changes: its card is rendered again, with the change.
    early.title = "Early article, revised"
    early.save_revision().publish()
    html = client.get("/articles/").content.decode()
    assert rendered[2:] == ["Early article, revised"]
    assert "Early article, revised" in html


def test_a_body_outlives_publishes_elsewhere_but_not_a_change_of_the_tree(
    client, home_page, offer_page, page_cache_off, monkeypatch
):
    from cms.blocks import commerce

    renders = []
    original = commerce._cards_for

    def counting_cards_for(parent_context, product_ids):
        renders.append(product_ids)
        return original(parent_context, product_ids)

    monkeypatch.setattr(commerce, "_cards_for", counting_cards_for)
    page, _ = offer_page
    client.get(page.url)
    assert len(renders) == 1

    # Another page is published: the body is served as it was kept.
    LandingPageFactory(parent=home_page, slug="news", title="News")
    assert "Golden pothos" in client.get(page.url).content.decode()
    assert len(renders) == 1

    # An image is replaced (its renditions, in any body, change): rendered again.
    ImageFactory()
    assert "Golden pothos" in client.get(page.url).content.decode()
    assert len(renders) == 2
