"""A real browser: upload on a page with the block, watch progress, see a result card.

This one uses the real care-guide and product resolvers (cms and shop), so
the card's links are the ones a customer would follow.
"""

import pytest

from .factories import drawing_jpeg, library_with_photos


def _fresh_photo() -> bytes:
    """A reference drawing with one random pixel: never in any result cache
    (the test server's cache outlives the test database)."""
    import io
    import secrets

    from PIL import Image

    image = Image.open(io.BytesIO(drawing_jpeg("Monstera deliciosa", 2)))
    image.putpixel((0, 0), tuple(secrets.token_bytes(3)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


@pytest.mark.browser
@pytest.mark.redis
def test_upload_watch_progress_and_see_a_result_card(
    page, asgi_server, transactional_db, home_page, settings
):
    from cms.tests.factories import (
        CareGuideIndexPageFactory,
        CareGuidePageFactory,
        LandingPageFactory,
        PlantProductFactory,
    )

    settings.IDENTIFY_CARE_GUIDE_URLS = "cms.selectors.care_guide_urls_for_species"
    settings.IDENTIFY_PRODUCT_SUMMARIES = "shop.selectors.species_product_summaries"
    monstera, _aloe = library_with_photos(
        ["Monstera deliciosa", "Aloe vera"], photos_each=3
    )
    guides = CareGuideIndexPageFactory(parent=home_page)
    CareGuidePageFactory(
        parent=guides, slug="monstera", title="Monstera care", species=monstera
    )
    PlantProductFactory(
        species=monstera,
        title="Monstera deliciosa in a 17 cm pot",
        stock__price="32.00",
    )
    LandingPageFactory(
        parent=home_page,
        slug="identify",
        title="Identify a plant",
        body=[("identification", {"heading": "What plant is this?", "intro": ""})],
    )
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{asgi_server}/identify/")
    page.get_by_role("heading", name="What plant is this?").wait_for()
    page.locator("[data-identify-input]").set_input_files(
        {
            "name": "my-plant.jpg",
            "mimeType": "image/jpeg",
            "buffer": _fresh_photo(),
        }
    )
    page.get_by_role("button", name="Identify my plant").click()

    card = page.locator("[data-identify-result]").first
    card.wait_for()
    assert page.url == f"{asgi_server}/identify/", errors
    assert page.locator("[data-identify-bar]").get_attribute("value") == "100"
    assert page.locator("[data-identify-progress]").is_visible()
    assert (
        "Looks like these plants from our shop"
        in page.locator("[data-identify-results]").inner_text()
    )
    assert "Monstera deliciosa" in card.inner_text()
    assert (
        card.get_by_role("link", name="Care guide")
        .get_attribute("href")
        .endswith("/guides/monstera/")
    )
    shop_link = card.get_by_role(
        "link", name="Shop this plant: Monstera deliciosa in a 17 cm pot"
    )
    assert shop_link.get_attribute("href").startswith("/shop/")
    assert "£32.00" in card.inner_text()
    assert "In stock" in card.inner_text()

    # When websockets fail (a proxy that drops them), the script polls the
    # status URL instead and still shows the result.
    page.route_web_socket("**/ws/identify/**", lambda socket: socket.close(code=1011))
    status_polls = []
    page.on(
        "request",
        lambda request: (
            status_polls.append(request.url)
            if "/api/identify/" in request.url and request.method == "GET"
            else None
        ),
    )
    page.locator("[data-identify-input]").set_input_files(
        {"name": "again.jpg", "mimeType": "image/jpeg", "buffer": _fresh_photo()}
    )
    page.get_by_role("button", name="Identify my plant").click()
    page.locator("[data-identify-result]").first.wait_for()
    assert status_polls, "the result should have come from polling status_url"
    assert page.locator("[data-identify-bar]").get_attribute("value") == "100"
