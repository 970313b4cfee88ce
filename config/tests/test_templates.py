"""One site, one look: storefront and account pages render through the site base.

These read the HTML the way a browser and the coming CSP would: one header and
main navigation, the skip link, the basket count, nothing loaded from another
origin and no inline script.
"""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.test.factories import (
    UserAddressFactory,
    UserFactory,
    WishListFactory,
    create_order,
    create_product,
)

import pytest

from config.context_processors import SHOP_BAR_CACHE_KEY

PASSWORD = "a-long-test-password"  # noqa: S105 - a test fixture, not a secret


class PageParser(HTMLParser):
    """Collects the parts of a page the design rules are about."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_script_bodies: list[str] = []
        self.stylesheets: list[str] = []
        self.headers: list[dict] = []
        self.navs: list[dict] = []
        self.mains: list[dict] = []
        self.h1_count = 0
        self.skip_links: list[str] = []
        self.basket_counts: list[str] = []
        self.inline_handlers: list[str] = []
        self.style_attributes: list[str] = []
        self._in_script_without_src = False
        self._in_basket_count = False

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = dict(attrs_list)
        self.inline_handlers += [name for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.style_attributes.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script_without_src = "src" not in attrs
            if self._in_script_without_src:
                self.inline_script_bodies.append("")
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs.get("href", ""))
        elif tag == "header" and "site-header" in attrs.get("class", ""):
            self.headers.append(attrs)
        elif tag == "nav":
            self.navs.append(attrs)
        elif tag == "main":
            self.mains.append(attrs)
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "a" and "skip-link" in attrs.get("class", ""):
            self.skip_links.append(attrs.get("href", ""))
        if "data-basket-count" in attrs:
            self._in_basket_count = True
            self.basket_counts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script_without_src = False
        if self._in_basket_count and tag == "span":
            self._in_basket_count = False

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src:
            self.inline_script_bodies[-1] += data
        if self._in_basket_count:
            self.basket_counts[-1] += data.strip()

    @property
    def executable_inline_scripts(self) -> list[str]:
        """Inline scripts a CSP would block: JSON data blocks are allowed."""
        return [
            body
            for attrs, body in zip(
                [s for s in self.scripts if "src" not in s],
                self.inline_script_bodies,
                strict=True,
            )
            if attrs.get("type") not in ("application/json", "application/ld+json")
        ]


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def assert_rendered_through_site_base(page: PageParser) -> None:
    assert len(page.headers) == 1, "exactly one site header"
    assert [nav.get("aria-label") for nav in page.navs].count("Main") == 1
    assert page.skip_links == ["#main"]
    assert [main.get("id") for main in page.mains] == ["main"]
    assert len(page.basket_counts) == 1
    assert page.h1_count == 1
    assert "/static/css/site.css" in page.stylesheets


def assert_no_style_attributes(page: PageParser) -> None:
    """style-src 'self' ignores style="" attributes: a design must not need them."""
    assert page.style_attributes == []


def assert_nothing_external_or_inline(page: PageParser) -> None:
    sources = [s["src"] for s in page.scripts if "src" in s] + page.stylesheets
    external = [url for url in sources if url.startswith(("http:", "https:", "//"))]
    assert external == []
    assert page.executable_inline_scripts == []
    assert page.inline_handlers == []


@pytest.fixture
def customer(db):
    return UserFactory(email="fern@example.com", password=PASSWORD)


@pytest.fixture
def customer_client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


STOREFRONT_PAGES = [
    "/shop/catalogue/",
    "/shop/basket/",
    "/shop/accounts/login/",
    "/shop/accounts/register/",
    "/shop/password-reset/",
    "/shop/password-reset/done/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", STOREFRONT_PAGES)
def test_storefront_pages_render_through_the_site_base(client, home_page, path):
    response = client.get(path)

    assert response.status_code == 200
    page = parse(response)
    assert_rendered_through_site_base(page)
    assert_nothing_external_or_inline(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/shop/accounts/login/", "/shop/accounts/register/", "/shop/password-reset/"],
)
def test_sign_in_pages_need_no_style_attributes(client, home_page, path):
    assert_no_style_attributes(parse(client.get(path)))


@pytest.mark.django_db
def test_oscar_scripts_load_from_local_files_in_order(client, home_page):
    response = client.get("/shop/basket/")

    sources = [s["src"] for s in parse(response).scripts if "src" in s]
    oscar_sources = [src for src in sources if "oscar" in src]
    assert oscar_sources == [
        "/static/oscar/js/jquery/jquery.min.js",
        "/static/oscar/js/bootstrap4/bootstrap.bundle.min.js",
        "/static/oscar/js/oscar/ui.js",
        "/static/js/oscar-init.js",
    ]
    # The basket's onbodyload initialiser is not leaked into the page as text.
    assert b"oscar.basket.init" not in response.content


@pytest.mark.django_db
def test_basket_count_in_the_header_counts_the_items(client, home_page):
    product = create_product(price=12, num_in_stock=10)
    client.post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"quantity": 2},
    )

    response = client.get("/shop/basket/")

    assert parse(response).basket_counts == ["2"]


@pytest.mark.django_db
def test_shop_bar_lists_top_categories_from_the_cache(client, home_page):
    cache.delete(SHOP_BAR_CACHE_KEY)
    indoor = create_from_breadcrumbs("Indoor > Ferns")
    client.get("/shop/basket/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/shop/basket/")

    html = response.content.decode()
    assert f'<a href="{indoor.get_parent().get_absolute_url()}">Indoor</a>' in html
    assert ">Ferns</a>" not in html  # top level only
    assert not [q for q in queries if "catalogue_category" in q["sql"]]


@pytest.mark.django_db
def test_anonymous_header_offers_sign_in_and_comes_back(client, home_page):
    response = client.get("/shop/basket/")

    html = response.content.decode()
    assert 'href="/shop/accounts/login/?next=/shop/basket/"' in html
    assert "Sign out" not in html


@pytest.mark.django_db
def test_navigation_marks_the_current_section(client, home_page):
    response = client.get("/shop/catalogue/")

    assert (
        '<a class="site-nav__link" href="/shop/" aria-current="page">Shop</a>'
        in response.content.decode()
    )


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_site_design(client, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = parse(response)
    assert_rendered_through_site_base(page)
    assert_nothing_external_or_inline(page)
    assert_no_style_attributes(page)
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.django_db
def test_oscar_error_pages_use_the_site_design(rf, home_page):
    request = rf.get("/shop/somewhere/")
    request.user = AnonymousUser()

    html = render_to_string("oscar/403.html", request=request)

    page = PageParser()
    page.feed(html)
    assert_rendered_through_site_base(page)
    assert_nothing_external_or_inline(page)
    assert "Permission denied" in html


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="#main"' in html
    assert "/static/css/site.css" in html
    assert "<script" not in html


ACCOUNT_PAGES = [
    ("customer:profile-view", "Profile"),
    ("customer:profile-update", "Edit Profile"),
    ("customer:change-password", "Change Password"),
    ("customer:order-list", "Order History"),
    ("customer:address-list", "Address Book"),
    ("customer:address-create", "Add a new address"),
    ("customer:wishlists-list", "Wish Lists"),
    ("customer:alerts-list", "Product Alerts"),
    ("customer:notifications-inbox", "Notifications"),
    ("customer:email-list", "Email History"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "title"), ACCOUNT_PAGES)
def test_account_pages_render_for_a_signed_in_customer(
    customer_client, home_page, url_name, title
):
    response = customer_client.get(reverse(url_name))

    assert response.status_code == 200
    page = parse(response)
    assert_rendered_through_site_base(page)
    assert_nothing_external_or_inline(page)
    assert_no_style_attributes(page)
    html = response.content.decode()
    assert 'aria-label="Your account"' in html
    assert f"<h1>{title}</h1>" in html
    assert "Sign out" in html


@pytest.mark.django_db
def test_order_history_and_detail_show_the_customers_order(
    customer, customer_client, home_page
):
    order = create_order(user=customer)

    listing = customer_client.get(reverse("customer:order-list"))
    detail = customer_client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    )

    assert f"#{order.number}" in listing.content.decode()
    assert detail.status_code == 200
    assert_nothing_external_or_inline(parse(detail))
    assert order.lines.get().description in detail.content.decode()
    assert "Buy all of these again" in detail.content.decode()


@pytest.mark.django_db
def test_someone_elses_order_is_not_shown(customer_client, home_page):
    order = create_order(user=UserFactory())

    response = customer_client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_address_book_lists_addresses_with_visible_actions(
    customer, customer_client, home_page
):
    address = UserAddressFactory(user=customer, line1="1 Fern Lane")

    response = customer_client.get(reverse("customer:address-list"))

    html = response.content.decode()
    assert "1 Fern Lane" in html
    assert reverse("customer:address-detail", kwargs={"pk": address.pk}) in html
    assert reverse("customer:address-delete", kwargs={"pk": address.pk}) in html
    assert "dropdown-toggle" not in html


@pytest.mark.django_db
def test_wish_list_detail_renders_its_products(customer, customer_client, home_page):
    wishlist = WishListFactory(owner=customer, name="Shady corner")
    wishlist.add(create_product(title="Calathea orbifolia"))

    response = customer_client.get(
        reverse("customer:wishlists-detail", kwargs={"key": wishlist.key})
    )

    assert response.status_code == 200
    assert "Calathea orbifolia" in response.content.decode()


@pytest.mark.django_db
def test_wish_list_is_created_through_the_restyled_form(
    customer, customer_client, home_page
):
    url = reverse("customer:wishlists-create")
    prefix = customer_client.get(url).context["shared_emails_formset"].prefix

    response = customer_client.post(
        url,
        {
            "name": "Bathroom jungle",
            "visibility": "Private",
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert customer.wishlists.get().name == "Bathroom jungle"


@pytest.mark.django_db
def test_sign_in_through_the_restyled_form(client, customer, home_page):
    response = client.post(
        "/shop/accounts/login/",
        {
            "login-username": customer.email,
            "login-password": PASSWORD,
            "login_submit": "Log In",
        },
        follow=True,
    )

    assert response.wsgi_request.user == customer
    assert "Sign out" in response.content.decode()


@pytest.mark.django_db
def test_personal_data_fields_say_what_they_hold(customer_client, client, home_page):
    login = client.get("/shop/accounts/login/").content.decode()
    address = customer_client.get(reverse("customer:address-create")).content.decode()

    assert 'autocomplete="current-password"' in login
    assert login.count('autocomplete="new-password"') == 2
    for token in ("given-name", "family-name", "address-line1", "postal-code", "tel"):
        assert f'autocomplete="{token}"' in address


@pytest.mark.django_db
def test_registration_errors_are_shown_next_to_their_fields(client, home_page):
    response = client.post(
        "/shop/accounts/login/",
        {
            "registration-email": "new@example.com",
            "registration-password1": "a-long-test-password",
            "registration-password2": "a-different-password",
            "registration_submit": "Register",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert--error" role="alert"' in html
    assert 'class="field field--error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_registration-password2_error"' in html
    assert 'id="id_registration-password2_error"' in html
    assert not get_user_model().objects.filter(email="new@example.com").exists()


@pytest.mark.django_db
def test_guest_finds_their_order_with_the_email_they_used(client, home_page):
    order = create_order(guest_email="guest@example.com")
    kwargs = {"order_number": order.number, "hash": order.verification_hash()}
    form_url = reverse("customer:anon-order-form", kwargs=kwargs)

    wrong = client.post(form_url, {"email": "someone@example.com"})
    right = client.post(form_url, {"email": "guest@example.com"}, follow=True)

    assert wrong.status_code == 200
    assert "Order not found" in wrong.content.decode()
    assert f"#{order.number}" not in wrong.content.decode()
    assert right.redirect_chain[-1][0] == reverse("customer:anon-order", kwargs=kwargs)
    page = parse(right)
    assert_rendered_through_site_base(page)
    assert_no_style_attributes(page)
    assert f"Order #{order.number}" in right.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_site_and_oscar_scripts_run_under_the_csp_and_work_by_keyboard(
    asgi_server, page, home_page
):
    problems: list[str] = []
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "/static/" in response.url
            and problems.append(f"{response.status} {response.url}")
        ),
    )
    page.set_viewport_size({"width": 390, "height": 800})
    # Reduced motion also makes the skip link appear without a transition.
    page.emulate_media(reduced_motion="reduce")

    # Given the basket page (an Oscar page) on a phone-sized screen
    page.goto(f"{asgi_server}/shop/basket/")

    # Then site.js, jQuery, Oscar's ui.js and oscar-init.js all ran
    assert (
        page.evaluate("document.documentElement.classList.contains('no-js')") is False
    )
    assert page.evaluate("typeof window.jQuery") == "function"
    assert page.evaluate("!!(jQuery._data(document.body, 'events') || {}).click"), (
        "oscar.init() bound its delegated click handler"
    )

    # And the skip link is the first stop and moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # And the menu opens from its button and closes with Escape
    toggle = page.locator(".nav-toggle")
    assert page.locator("#site-nav").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-nav a", has_text="Guides").is_visible()
    page.locator("#site-nav a", has_text="Guides").focus()
    page.keyboard.press("Escape")
    assert page.locator("#site-nav").is_hidden()
    assert page.evaluate("document.activeElement.className") == "nav-toggle"

    # And a page we own loads with nothing refused by the CSP, and nothing
    # is wider than a 360 px phone
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{asgi_server}/shop/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert problems == []
