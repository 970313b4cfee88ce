"""A real browser: find a plant by a filter, add it, check out as a guest,
see the confirmation."""

from decimal import Decimal

from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

import pytest

from .factories import PlantFactory, SpeciesFactory, country_gb

Order = get_model("order", "Order")
ProductCategory = get_model("catalogue", "ProductCategory")


@pytest.mark.browser
def test_guest_finds_a_pet_safe_plant_buys_it_and_sees_the_confirmation(
    page, asgi_server, transactional_db
):
    # Given a shop with a toxic and a pet-safe plant
    country_gb()
    indoor = create_from_breadcrumbs("Indoor")
    toxic = SpeciesFactory(
        scientific_name="Monstera deliciosa", toxic_to_cats=True, toxic_to_dogs=True
    )
    safe = SpeciesFactory(
        scientific_name="Goeppertia orbifolia", toxic_to_cats=False, toxic_to_dogs=False
    )
    for title, species in (("Swiss cheese plant", toxic), ("Calathea orbifolia", safe)):
        product = PlantFactory(
            title=title, species=species, stock__price=Decimal("18.00")
        )
        ProductCategory.objects.create(product=product, category=indoor)

    # When a guest filters for pet-safe plants
    page.goto(f"{asgi_server}/shop/catalogue/")
    page.check("input[name=pet_safe]")
    page.click("#shop-filters button[type=submit]")
    page.wait_for_url("**pet_safe=1**")
    assert page.locator(".product-card").count() == 1
    assert "Swiss cheese plant" not in page.locator(".product-grid").inner_text()

    # and opens the plant, adds it and checks out
    page.click(".product-card .card__title a")
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(f"{asgi_server}/shop/checkout/")
    page.fill("input[name=username]", "browser@example.com")
    page.check("input[name=options][value=anonymous]")
    page.click("form:has(input[name=username]) button[type=submit]")
    page.fill("input[name=first_name]", "Ada")
    page.fill("input[name=last_name]", "Gardener")
    page.fill("input[name=line1]", "1 Fern Street")
    page.fill("input[name=line4]", "Bristol")
    page.fill("input[name=postcode]", "BS1 4DJ")
    if page.locator("select[name=country]").count():
        page.select_option("select[name=country]", "GB")
    page.click("form:has(input[name=postcode]) button[type=submit]")
    page.click("form:has(input[name=method_code][value=standard]) button[type=submit]")
    page.check("input[name=method][value=bank-transfer]")
    page.click("#choose-payment")
    page.click("#place-order")

    # Then the confirmation shows the order
    page.wait_for_url("**/checkout/thank-you/")
    order = Order.objects.get()
    assert order.guest_email == "browser@example.com"
    assert [line.title for line in order.lines.all()] == ["Calathea orbifolia"]
    assert order.number in page.content()
    assert (
        f"with reference {order.number}"
        in page.locator("#payment-instructions").inner_text()
    )
