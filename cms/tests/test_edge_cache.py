"""What the app tells nginx's edge cache (cms/edge_cache.py, docs/adr/0004).

The nginx side (placeholder filled, cookie set, copies kept and refreshed)
runs for real in the drill (tests/system/test_drill.py, step 6).
"""

import re

import pytest

from cms.edge_cache import EDGE_CSRF_HEADER, EDGE_CSRF_PLACEHOLDER, EDGE_HEADER

from .factories import LandingPageFactory, PlantProductFactory, UserFactory

pytestmark = pytest.mark.django_db

EDGE = {"HTTP_X_CANOPY_EDGE": "1"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop_page(home_page):
    product = PlantProductFactory(title="Golden pothos", stock__price="9.00")
    return LandingPageFactory(
        parent=home_page,
        slug="offers",
        body=[("product_card", {"product": product.pk, "note": ""})],
    )


@pytest.mark.parametrize("visit", ["miss", "hit"])
def test_a_cookieless_edge_request_gets_a_placeholder_and_may_be_kept(
    client, shop_page, visit
):
    if visit == "hit":
        client.get("/offers/", **EDGE)

    response = client.get("/offers/", **EDGE)

    assert response["X-Page-Cache"] == visit
    assert TOKEN.findall(response.content.decode()) == [EDGE_CSRF_PLACEHOLDER]
    assert response[EDGE_CSRF_HEADER] == "1"
    assert response["X-Accel-Expires"] == "1"
    assert not response.cookies  # nginx sets the visitor's cookie itself
    assert "Sign in" in response.content.decode()


def test_the_edge_keeps_pages_for_as_long_as_settings_say(client, shop_page, settings):
    settings.CMS_EDGE_CACHE_SECONDS = 5

    assert client.get("/offers/", **EDGE)["X-Accel-Expires"] == "5"


def test_a_visitor_with_cookies_is_never_served_the_edge_variant(client, shop_page):
    member = UserFactory(username="ivy")
    client.force_login(member, "django.contrib.auth.backends.ModelBackend")

    response = client.get("/offers/", **EDGE)
    html = response.content.decode()

    assert EDGE_CSRF_PLACEHOLDER not in html
    assert TOKEN.findall(html)  # the member's own token
    assert "Sign out" in html
    assert EDGE_CSRF_HEADER not in response
    assert "X-Accel-Expires" not in response


def test_without_the_edge_header_pages_are_as_before(client, shop_page):
    response = client.get("/offers/")

    assert EDGE_CSRF_PLACEHOLDER not in response.content.decode()
    assert "X-Accel-Expires" not in response
    assert "csrftoken" in response.cookies


def test_a_page_the_page_cache_does_not_keep_is_not_kept_at_the_edge(client, shop_page):
    # An unknown query parameter bypasses the page cache, and so the edge.
    response = client.get("/offers/?utm_source=mail", **EDGE)

    assert TOKEN.findall(response.content.decode()) == [EDGE_CSRF_PLACEHOLDER]
    assert response[EDGE_CSRF_HEADER] == "1"
    assert "X-Accel-Expires" not in response


def test_a_page_with_django_own_token_keeps_it_and_is_not_kept(client, db):
    # The sign-in form uses {% csrf_token %}: Django sets its own cookie, so
    # the edge must neither set another nor keep the page.
    response = client.get("/shop/accounts/login/", **EDGE)

    assert response.status_code == 200
    assert EDGE_CSRF_PLACEHOLDER not in response.content.decode()
    assert "csrftoken" in response.cookies
    assert EDGE_CSRF_HEADER not in response
    assert "X-Accel-Expires" not in response


def test_an_error_page_is_never_kept(client, home_page):
    response = client.get("/no-such-page/", **EDGE)

    assert response.status_code == 404
    assert "X-Accel-Expires" not in response


def test_nginx_fills_the_placeholder_the_app_writes():
    """The edge config and the app must agree on the placeholder and the mark."""
    from pathlib import Path

    from django.conf import settings

    nginx = Path(settings.BASE_DIR) / "deploy" / "nginx"
    edge = (nginx / "canopy-edge-cache.conf.template").read_text()
    http = (nginx / "canopy.conf.template").read_text()

    assert f'sub_filter "{EDGE_CSRF_PLACEHOLDER}" $request_id;' in edge
    mark = "$sent_http_" + EDGE_CSRF_HEADER.lower().replace("-", "_")
    assert f"map {mark} $canopy_edge_csrf_cookie" in http
    assert f"proxy_set_header {EDGE_HEADER} $canopy_edge;" in edge
