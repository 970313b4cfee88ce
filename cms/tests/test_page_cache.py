"""The page cache: hits, personal holes that never leak, purges that work."""

from decimal import Decimal

from django.contrib.messages import constants

from wagtail.models import PageViewRestriction

from oscar.core.loading import get_model

import pytest

from .factories import LandingPageFactory, PlantProductFactory, UserFactory

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
Basket = get_model("basket", "Basket")


@pytest.fixture
def product():
    return PlantProductFactory(title="Golden pothos", stock__price="9.00")


@pytest.fixture
def shop_page(home_page, product):
    return LandingPageFactory(
        parent=home_page,
        slug="offers",
        title="Offers",
        body=[
            ("paragraph", "<p>Our offers.</p>"),
            ("product_card", {"product": product.pk, "note": ""}),
        ],
    )


def test_second_anonymous_view_is_a_hit_without_queries(
    client, shop_page, django_assert_num_queries
):
    first = client.get("/offers/")

    with django_assert_num_queries(0):
        second = client.get("/offers/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "Golden pothos" in second.content.decode()
    assert second["Cache-Control"] == "private, no-cache"


def test_signed_in_bits_never_reach_anonymous_visitors(client, shop_page, product):
    member = UserFactory(username="ivy")
    from oscar.apps.partner.strategy import Default

    basket = Basket.objects.create(owner=member)
    basket.strategy = Default()
    basket.add_product(product, quantity=2)
    member_client = client.__class__()
    member_client.force_login(member, MODEL_BACKEND)

    as_member = member_client.get("/offers/").content.decode()
    as_anonymous = client.get("/offers/")
    html = as_anonymous.content.decode()

    assert as_anonymous["X-Page-Cache"] == "hit"
    assert "Sign out" in as_member
    assert "data-basket-count>2</span>" in as_member
    assert "Sign out" not in html
    assert "Sign in" in html
    assert "data-basket-count>0</span>" in html


def test_members_get_their_own_bits_from_a_page_cached_by_anonymous(
    client, shop_page, product
):
    client.get("/offers/")
    member = UserFactory(username="fern")
    member_client = client.__class__()
    member_client.force_login(member, MODEL_BACKEND)

    response = member_client.get("/offers/")
    html = response.content.decode()

    assert response["X-Page-Cache"] == "hit"
    assert "Sign out" in html
    assert "Sign in<" not in html


def test_every_visitor_gets_their_own_csrf_token(client, shop_page):
    client.get("/offers/")
    other = client.__class__()

    first = client.get("/offers/")
    second = other.get("/offers/")

    def token(response) -> str:
        html = response.content.decode()
        start = html.index('name="csrfmiddlewaretoken" value="') + 34
        return html[start : html.index('"', start)]

    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    assert token(first) != token(second)
    assert "csrftoken" in second.cookies


def test_add_to_basket_works_from_a_cached_page(shop_page, product):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    Client().get("/offers/")  # someone else filled the cache
    page = visitor.get("/offers/")
    html = page.content.decode()
    start = html.index('name="csrfmiddlewaretoken" value="') + 34
    token = html[start : html.index('"', start)]

    response = visitor.post(
        f"/shop/basket/add/{product.pk}/",
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert page["X-Page-Cache"] == "hit"
    assert response.status_code == 302
    assert Basket.objects.get().num_items == 1


def test_publishing_purges_the_cache(
    client, shop_page, django_capture_on_commit_callbacks
):
    client.get("/offers/")
    shop_page.title = "Summer offers"

    with django_capture_on_commit_callbacks(execute=True):
        shop_page.save_revision().publish()
    response = client.get("/offers/")

    assert response["X-Page-Cache"] == "miss"
    assert "Summer offers" in response.content.decode()


def test_unpublishing_purges_the_cache(
    client, shop_page, django_capture_on_commit_callbacks
):
    client.get("/offers/")

    with django_capture_on_commit_callbacks(execute=True):
        shop_page.unpublish()

    assert client.get("/offers/").status_code == 404


def test_a_stock_change_purges_pages_showing_the_product(
    client, shop_page, product, django_capture_on_commit_callbacks
):
    assert "£9.00" in client.get("/offers/").content.decode()
    record = product.stockrecords.get()

    with django_capture_on_commit_callbacks(execute=True):
        record.price = Decimal("7.50")
        record.save()
    repriced = client.get("/offers/")
    with django_capture_on_commit_callbacks(execute=True):
        record.num_in_stock = 0
        record.save()
    sold_out = client.get("/offers/")

    assert repriced["X-Page-Cache"] == "miss"
    assert "£7.50" in repriced.content.decode()
    assert "Golden pothos" not in sold_out.content.decode()


def test_other_products_leave_the_page_cached(
    client, shop_page, django_capture_on_commit_callbacks
):
    other = PlantProductFactory(title="Unrelated")
    client.get("/offers/")

    with django_capture_on_commit_callbacks(execute=True):
        record = other.stockrecords.get()
        record.num_in_stock = 1
        record.save()

    assert client.get("/offers/")["X-Page-Cache"] == "hit"


def test_restricted_pages_are_never_stored(client, home_page):
    page = LandingPageFactory(parent=home_page, slug="members", title="Members")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    member = UserFactory()
    client.force_login(member, MODEL_BACKEND)

    seen = client.get("/members/")
    client.logout()
    anonymous = client.get("/members/")

    assert seen.status_code == 200
    assert "X-Page-Cache" not in seen
    assert anonymous.status_code == 302


def test_unknown_query_parameters_bypass_the_cache(client, shop_page):
    client.get("/offers/?utm_source=x")

    assert "X-Page-Cache" not in client.get("/offers/?utm_source=x")


def test_a_waiting_flash_message_is_shown_not_cached(client, shop_page):
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    client.get("/offers/")
    # Put a flash message in the visitor's cookie, as a redirect would.
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    response = HttpResponse()
    storage._store([Message(constants.SUCCESS, "Added to your basket")], response)
    client.cookies["messages"] = response.cookies["messages"].value

    html = client.get("/offers/").content.decode()

    assert "Added to your basket" in html
    assert (
        "Added to your basket"
        not in client.__class__().get("/offers/").content.decode()
    )


def test_non_html_responses_pass_through_untouched(rf):
    from django.http import HttpResponse

    from cms.page_cache import PageCacheMiddleware

    payload = bytes(range(256))
    middleware = PageCacheMiddleware(
        lambda request: HttpResponse(payload, content_type="image/png")
    )

    response = middleware(rf.get("/some/image.png"))

    assert response.content == payload


def test_a_stock_change_during_a_render_leaves_the_stored_page_stale(
    client, shop_page, product, monkeypatch
):
    from cms import selectors
    from cms.page_cache import page_cache_purge, product_tag

    original = selectors.product_cards_list

    def cards_then_stock_changes(**kwargs):
        cards = original(**kwargs)
        page_cache_purge([product_tag(product.pk)])  # another process, mid-render
        return cards

    monkeypatch.setattr(selectors, "product_cards_list", cards_then_stock_changes)
    client.get("/offers/")
    monkeypatch.setattr(selectors, "product_cards_list", original)

    assert client.get("/offers/")["X-Page-Cache"] == "miss"


def test_a_reservation_at_checkout_purges_pages_showing_the_product(
    client, shop_page, product, django_capture_on_commit_callbacks
):
    # The checkout reserves stock with a conditional UPDATE, which sends no
    # post_save: the shop announces it instead.
    from shop.services import stock_allocate

    record = product.stockrecords.get()
    record.num_in_stock = 3
    record.save()
    assert "3 left" in client.get("/offers/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        stock_allocate(
            stockrecord_id=record.pk,
            product_id=product.pk,
            quantity=2,
            title=product.title,
        )
    after = client.get("/offers/")

    assert after["X-Page-Cache"] == "miss"
    assert "1 left" in after.content.decode()


def test_a_species_change_purges_its_care_guide(
    client, guide_index, django_capture_on_commit_callbacks
):
    from .factories import CareGuidePageFactory, SpeciesFactory

    cats = 'data-fact="toxic_to_cats"><dt>Cats</dt><dd><span class="badge badge--'
    species = SpeciesFactory(scientific_name="Ficus lyrata", toxic_to_cats=None)
    guide = CareGuidePageFactory(parent=guide_index, species=species)
    assert f"{cats}unknown" in client.get(guide.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        species.toxic_to_cats = True
        species.save()
    after = client.get(guide.url)

    assert after["X-Page-Cache"] == "miss"
    assert f'{cats}toxic">Toxic</span>' in after.content.decode()


def test_a_chat_message_purges_pages_showing_its_room(
    client, home_page, django_capture_on_commit_callbacks
):
    # Readers without JavaScript see a public room's recent messages.
    from community.models import Room
    from community.services import chat_message_seed

    room = Room.objects.create(slug="growers", title="Growers")
    LandingPageFactory(
        parent=home_page,
        slug="talk",
        body=[("chat_room", {"title": "Talk", "room": room, "height": 480})],
    )
    assert "No messages yet" in client.get("/talk/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        chat_message_seed(room=room, author=UserFactory(), body="Hello, ferns")
    after = client.get("/talk/")

    assert after["X-Page-Cache"] == "miss"
    assert "Hello, ferns" in after.content.decode()


def test_pages_stored_under_another_secret_key_are_never_served(
    client, shop_page, monkeypatch
):
    """Stored HTML carries markers salted with the secret key; after a key
    rotation its holes could not be filled, so it must not be read."""
    from cms import fragments, page_cache

    client.get("/offers/")  # stored under this key's salt
    monkeypatch.setattr(page_cache, "MARKER_SALT", "0123456789ab")
    monkeypatch.setattr(page_cache, "_KEY_PREFIX", "pagecache:v1:0123456789ab:")
    monkeypatch.setattr(
        fragments, "_STREAM_PREFIX", "cms:fragment:stream:v1:0123456789ab:"
    )

    response = client.get("/offers/")
    html = response.content.decode()

    assert response["X-Page-Cache"] == "miss"
    assert "<!--pc:" not in html
    assert 'name="csrfmiddlewaretoken"' in html


# -- one stored copy per page: only the query strings its links use -------------
@pytest.fixture
def tagged_articles(article_index, monkeypatch):
    from .factories import ArticlePageFactory

    monkeypatch.setattr("cms.models.pages.ARTICLES_PER_PAGE", 2)
    return [
        ArticlePageFactory(parent=article_index, slug=f"a-{n}", tags=["ferns"])
        for n in range(3)
    ]


def _stored(client, path: str) -> bool:
    client.get(path)
    return client.get(path).get("X-Page-Cache") == "hit"


@pytest.mark.parametrize(
    "path",
    [
        "/articles/",
        "/articles/?page=2",
        "/articles/?tag=ferns",
        "/articles/?tag=ferns&page=2",
        "/articles/?tag=",  # the "All" state of a submitted form
    ],
)
def test_the_query_strings_an_index_links_to_are_cached(client, tagged_articles, path):
    assert _stored(client, path)


@pytest.mark.parametrize(
    "path",
    [
        "/articles/?page=1",  # page 1's links carry no number
        "/articles/?page=abc",
        "/articles/?page=99",  # shows the last page, under its own number
        "/articles/?page=2&page=2",
        "/articles/?tag=&tag=",  # each parameter once, or the cache is bypassed
        "/articles/?tag=made-up-by-a-bot",
        "/articles/a-0/?page=7",  # an article reads no parameter
        "/articles/a-0/?tag=ferns",
    ],
)
def test_other_spellings_are_shown_but_not_kept(client, tagged_articles, path):
    response = client.get(path)

    assert response.status_code == 200
    assert not _stored(client, path)


def _cache_entries() -> int:
    from django.core.cache import caches

    backend = caches["default"]
    if hasattr(backend, "_cache") and hasattr(backend._cache, "get_client"):
        return sum(1 for _ in backend._cache.get_client().scan_iter(match="*"))
    return len(backend._cache)


def test_an_unknown_tag_lists_nothing_and_keeps_nothing(client, tagged_articles):
    client.get("/articles/?tag=ferns")  # tag slugs and tree versions read
    entries = _cache_entries()

    response = client.get("/articles/?tag=no-such-tag")

    assert "No articles tagged “no-such-tag” yet." in response.content.decode()
    assert _cache_entries() == entries


def test_first_page_links_carry_no_page_number(client, tagged_articles):
    html = client.get("/articles/?tag=ferns&page=2").content.decode()

    assert 'href="?tag=ferns" rel="prev"' in html
    assert 'href="?tag=ferns&amp;page=2"' not in html  # the current page
    assert 'href="/articles/"' in client.get("/articles/?page=2").content.decode()


def test_guide_filters_are_kept_once_per_filter_set(client, guide_index):
    from .factories import CareGuidePageFactory, SpeciesFactory

    CareGuidePageFactory(
        parent=guide_index, species=SpeciesFactory(light="bright_indirect")
    )

    assert _stored(client, "/guides/?light=bright_indirect&difficulty=&pet_safe=1")
    # The form's unset select and the filter link share the stored copy.
    assert client.get("/guides/?light=bright_indirect&pet_safe=1")["X-Page-Cache"] == (
        "hit"
    )
    assert not _stored(client, "/guides/?light=sunless-cave")
    assert not _stored(client, "/guides/?pet_safe=yes")
