"""A real browser: a customer posts, the moderator sees it and deletes it,
and it vanishes from the customer's page."""

import pytest

from .factories import ModeratorFactory, RoomFactory, UserFactory
from .test_two_processes import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def chat_page(transactional_db):
    """A landing page whose body holds the chat block for room `general`."""
    from cms.models import LandingPage
    from config.demo.site import demo_site_load

    room = RoomFactory(slug="general", title="General chat")
    home = demo_site_load()
    page = home.add_child(
        instance=LandingPage(
            title="Chat test",
            slug="chat-browser-test",
            body=[("chat_room", {"title": "Talk", "room": room, "height": 400})],
        )
    )
    try:
        yield page
    finally:
        page.delete()


def open_as(browser_instance, base_url: str, path: str, user):
    context = browser_instance.new_context()
    context.set_default_timeout(15_000)
    name, value = session_cookie(user).split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": base_url}])
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_selector("[data-chat-room][data-chat-connected='true']")
    return context, page


def test_customer_posts_moderator_deletes_it_vanishes(
    browser_instance, asgi_server, chat_page
):
    customer = UserFactory(username="customer-b", first_name="Cass")
    moderator = ModeratorFactory(username="moderator-b", first_name="Morgan")
    path = chat_page.url_path.removeprefix("/home")
    customer_context, customer_page = open_as(
        browser_instance, asgi_server, path, customer
    )
    moderator_context, moderator_page = open_as(
        browser_instance, asgi_server, path, moderator
    )
    try:
        body = "<b>Help</b> my fern https://example.com/fern"
        customer_page.fill("[data-chat-composer] textarea", body)
        customer_page.press("[data-chat-composer] textarea", "Enter")

        own = customer_page.locator("li.chat-message", has_text="my fern")
        own.wait_for()
        seen = moderator_page.locator("li.chat-message", has_text="my fern")
        seen.wait_for()
        # Plain text, escaped; the address is a link with the user-content rel.
        assert seen.locator(".chat-message__body").inner_text() == body
        assert seen.locator("b").count() == 0
        link = seen.locator("a")
        assert link.get_attribute("rel") == "nofollow ugc noopener"
        assert link.get_attribute("href") == "https://example.com/fern"
        # The customer may report, not delete; the moderator has controls.
        assert own.get_by_role("button", name="Delete").count() == 0
        assert moderator_page.locator("[data-chat-moderation]").is_visible()

        seen.get_by_role("button", name="Delete").click()

        seen.wait_for(state="detached")
        own.wait_for(state="detached")
        assert customer_page.locator("li.chat-message", has_text="my fern").count() == 0
    finally:
        customer_context.close()
        moderator_context.close()
