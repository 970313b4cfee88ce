"""Routing from the route cache: no queries once routed, never a stale route."""

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from .factories import ArticlePageFactory, LandingPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    # The whole-page cache would answer before routing happens at all.
    settings.CMS_PAGE_CACHE = False


def _page_queries(client, url: str):
    """The response, and the queries that read the page tree or sites."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    tree = [
        query["sql"]
        for query in queries
        if '"wagtailcore_page"' in query["sql"] or '"wagtailcore_site"' in query["sql"]
    ]
    return response, tree


def _route_keys() -> list[str]:
    # locmem and Redis both expose their keys to a test through the backend.
    backend = cache._cache if hasattr(cache, "_cache") else None
    if hasattr(backend, "get_client"):
        client = backend.get_client()
        return [key.decode() for key in client.scan_iter(match="*cms:route:*")]
    return [key for key in cache._cache if "cms:route:" in key]


def test_a_routed_page_is_served_again_without_reading_the_tree(client, article_index):
    page = ArticlePageFactory(parent=article_index, slug="ferns", title="Ferns")
    first, first_tree = _page_queries(client, page.url)

    again, again_tree = _page_queries(client, page.url)

    assert first.status_code == again.status_code == 200
    assert len(first_tree) >= 3  # site, the url_path lookup, the article
    assert again_tree == []
    assert "Ferns" in again.content.decode()


def test_a_publish_elsewhere_keeps_the_route(client, article_index):
    page = ArticlePageFactory(parent=article_index, slug="ferns")
    client.get(page.url)

    ArticlePageFactory(parent=article_index, slug="mosses")
    _, tree = _page_queries(client, page.url)

    assert tree == []


def test_a_changed_slug_is_routed_at_once(client, article_index):
    page = ArticlePageFactory(parent=article_index, slug="ferns", title="Ferns")
    client.get("/articles/ferns/")

    page.slug = "true-ferns"
    page.save_revision().publish()

    assert client.get("/articles/true-ferns/").status_code == 200
    assert "Ferns" not in client.get("/articles/ferns/").content.decode()


def test_a_published_change_is_routed_at_once(client, article_index):
    page = ArticlePageFactory(parent=article_index, slug="ferns", title="Ferns")
    client.get(page.url)

    page.title = "Ferns, revised"
    page.save_revision().publish()

    assert "Ferns, revised" in client.get(page.url).content.decode()


def test_an_unpublished_page_is_gone_at_once(client, article_index):
    page = ArticlePageFactory(parent=article_index, slug="ferns")
    assert client.get(page.url).status_code == 200

    page.unpublish()

    assert client.get("/articles/ferns/").status_code == 404


def test_a_moved_page_answers_at_its_new_address_only(client, home_page):
    shelf = LandingPageFactory(parent=home_page, slug="shelf")
    page = LandingPageFactory(parent=home_page, slug="sale")
    assert client.get("/sale/").status_code == 200

    page.move(shelf, pos="last-child")
    old_address = client.get("/sale/")

    # Wagtail's automatic redirect, not the page from a stale route.
    assert old_address.status_code == 301
    assert old_address["Location"] == "/shelf/sale/"
    assert client.get("/shelf/sale/").status_code == 200


def test_a_view_restriction_still_applies_to_a_cached_route(client, home_page):
    page = LandingPageFactory(parent=home_page, slug="members", title="Members")
    assert client.get("/members/").status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Club"))
    response = client.get("/members/")

    assert response.status_code == 302  # to the sign-in page
    assert "Members" not in response.content.decode()


def test_paths_that_route_nowhere_are_not_kept(client, home_page):
    cache.clear()
    for n in range(5):
        assert client.get(f"/no-such-page-{n}/").status_code == 404

    assert _route_keys() == []
