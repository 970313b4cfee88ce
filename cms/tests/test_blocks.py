"""Block rendering: live prices from the visitor's strategy, hidden stock-outs,
escaped editor text, responsive WebP images, no-JS fallbacks."""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from wagtail.blocks.struct_block import StructBlockValidationError

from oscar.apps.partner import strategy as oscar_strategy

import pytest

from cms.blocks import (
    CallToActionBlock,
    CareFactsSummaryBlock,
    ChatRoomBlock,
    FaqBlock,
    IdentificationBlock,
    ImageBlock,
    ParagraphBlock,
    ProductCardBlock,
    ProductGridBlock,
    QuoteBlock,
    product_ids_in,
)

from .factories import ImageFactory, PlantProductFactory, SpeciesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor_request():
    request = RequestFactory().get("/articles/x/")
    request.user = AnonymousUser()
    return request


def _render(block, raw: dict, request) -> str:
    return block.render(block.to_python(raw), context={"request": request})


def test_product_card_shows_the_price_of_the_visitors_strategy(visitor_request):
    product = PlantProductFactory(title="Monstera, 12 cm pot", stock__price="12.50")
    # UK strategy: 20% VAT on top of the stock record's price.
    visitor_request.strategy = oscar_strategy.UK(visitor_request)

    html = _render(ProductCardBlock(), {"product": product.pk}, visitor_request)

    assert "Monstera, 12 cm pot" in html
    assert "£15.00" in html
    assert f'action="/shop/basket/add/{product.pk}/"' in html


def test_product_card_without_a_strategy_uses_the_default_one(visitor_request):
    product = PlantProductFactory(stock__price="12.50")

    html = _render(ProductCardBlock(), {"product": product.pk}, visitor_request)

    assert "£12.50" in html


def test_product_card_hides_an_unavailable_product(visitor_request):
    product = PlantProductFactory(stock=0)

    html = _render(ProductCardBlock(), {"product": product.pk}, visitor_request)

    assert product.title not in html
    assert "product-card" not in html


def test_product_card_hides_a_product_taken_off_sale(visitor_request):
    product = PlantProductFactory(is_public=False)

    html = _render(ProductCardBlock(), {"product": product.pk}, visitor_request)

    assert html.strip() == ""


def test_product_card_escapes_the_editors_note(visitor_request):
    product = PlantProductFactory()

    html = _render(
        ProductCardBlock(),
        {"product": product.pk, "note": '<script>alert("x")</script>'},
        visitor_request,
    )

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_product_grid_lists_available_products_in_the_editors_order(visitor_request):
    first = PlantProductFactory(title="Zebra plant")
    sold_out = PlantProductFactory(title="Sold out plant", stock=0)
    second = PlantProductFactory(title="Aloe")

    html = _render(
        ProductGridBlock(),
        {"heading": "<b>Picks</b>", "products": [first.pk, sold_out.pk, second.pk]},
        visitor_request,
    )

    assert html.index("Zebra plant") < html.index("Aloe")
    assert "Sold out plant" not in html
    assert "&lt;b&gt;Picks&lt;/b&gt;" in html


def test_product_grid_uses_the_cards_the_page_preloaded(
    visitor_request, django_assert_num_queries
):
    product = PlantProductFactory(title="Preloaded")
    block = ProductGridBlock()
    value = block.to_python({"heading": "", "products": [product.pk]})
    from cms.selectors import product_cards_for_request

    cards = product_cards_for_request(visitor_request, product_ids=[product.pk])

    with django_assert_num_queries(0):
        html = block.render(
            value, context={"request": visitor_request, "product_cards": cards}
        )

    assert "Preloaded" in html


def test_product_ids_in_reads_cards_and_grids_without_queries(
    django_assert_num_queries,
):
    from cms.models import LandingPage

    page = LandingPage(
        title="x",
        body=[
            ("product_card", {"product": 7, "note": ""}),
            ("paragraph", "<p>hi</p>"),
            ("product_grid", {"heading": "", "products": [9, 7, 11]}),
        ],
    )
    # Round-trip through JSON as a saved page would be.
    page.body = page.body.stream_block.get_prep_value(page.body)

    with django_assert_num_queries(0):
        assert product_ids_in(page.body) == [7, 9, 11]


def test_image_block_renders_focal_point_crops_as_webp_srcset(visitor_request):
    image = ImageFactory(title="Leaf")

    html = _render(
        ImageBlock(),
        {
            "image": image.pk,
            "alt_text": 'A "leaf"',
            "caption": "<i>Up close</i>",
            "credit": "Canopy",
        },
        visitor_request,
    )

    assert 'srcset="' in html
    assert html.count(".webp") >= 3
    assert 'sizes="(min-width: 48rem) 44rem, 100vw"' in html
    assert 'alt="A &quot;leaf&quot;"' in html
    assert "&lt;i&gt;Up close&lt;/i&gt;" in html
    assert "Photo: Canopy" in html


def test_quote_escapes_text(visitor_request):
    html = _render(
        QuoteBlock(), {"quote": "<img src=x>", "attribution": "Me"}, visitor_request
    )

    assert "<img" not in html
    assert "&lt;img src=x&gt;" in html


def test_faq_block_is_an_accordion_of_details(visitor_request):
    html = _render(
        FaqBlock(),
        {
            "heading": "Questions",
            "items": [{"question": "Why <b>?</b>", "answer": "<p>Because.</p>"}],
        },
        visitor_request,
    )

    assert '<details class="disclosure">' in html
    assert "<summary>Why &lt;b&gt;?&lt;/b&gt;</summary>" in html
    assert "<p>Because.</p>" in html


def test_rich_text_keeps_editor_markup(visitor_request):
    html = _render(ParagraphBlock(), "<p><b>Bold</b> move</p>", visitor_request)

    assert "<b>Bold</b> move" in html


def test_care_facts_summary_says_unknown_instead_of_guessing(visitor_request):
    species = SpeciesFactory(
        scientific_name="Ficus lyrata",
        light="bright_indirect",
        toxic_to_cats=True,
        toxic_to_dogs=None,
        temperature_min_c=15,
        temperature_max_c=None,
        soil="",
    )

    html = _render(CareFactsSummaryBlock(), {"species": species.pk}, visitor_request)

    assert "Bright, indirect light" in html
    assert (
        '<div data-fact="toxic_to_cats"><dt>Cats</dt><dd><span class="badge badge--toxic">Toxic</span>'
        in html
    )
    assert (
        '<div data-fact="toxic_to_dogs"><dt>Dogs</dt><dd><span class="badge badge--unknown">Unknown</span>'
        in html
    )
    assert '<div data-fact="soil"><dt>Soil</dt><dd>Unknown</dd>' in html
    assert "from 15 °C" in html


@pytest.mark.parametrize(
    ("url", "is_valid"),
    [
        ("/guides/?pet_safe=1", True),
        ("https://www.kew.org/", True),
        ("javascript:alert(1)", False),
        ("//evil.example/", False),
        ("", False),
    ],
)
def test_call_to_action_needs_a_page_or_a_safe_address(url, is_valid):
    block = CallToActionBlock()
    value = block.to_python(
        {"title": "Go", "text": "", "button_text": "Go", "page": None, "url": url}
    )

    if is_valid:
        assert block.clean(value)["url"] == url
    else:
        with pytest.raises(StructBlockValidationError):
            block.clean(value)


def test_identification_block_renders_a_no_javascript_fallback(visitor_request):
    html = _render(
        IdentificationBlock(),
        {"heading": "What is <this>?", "intro": "<p>Upload a photo.</p>"},
        visitor_request,
    )

    assert "What is &lt;this&gt;?" in html
    assert "Upload a photo." in html


def test_chat_room_block_names_its_room(visitor_request):
    from django.apps import apps

    room_model = apps.get_model("community", "Room")
    room = room_model.objects.create(slug="general", title="General chat")

    html = _render(
        ChatRoomBlock(),
        {"title": "Chat", "room": room.pk, "height": 480},
        visitor_request,
    )

    assert "general" in html
    assert "Chat" in html


def test_block_price_is_exact_decimal(visitor_request):
    product = PlantProductFactory(stock__price=Decimal("19.99"))

    html = _render(ProductCardBlock(), {"product": product.pk}, visitor_request)

    assert 'data-price="19.99"' in html
    assert "£19.99" in html
