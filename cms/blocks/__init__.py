"""StreamField blocks, split by family; the stream definitions live here."""

from wagtail import blocks

from .choosers import ProductChooserBlock, RoomChooserBlock, SpeciesChooserBlock
from .commerce import ProductCardBlock, ProductGridBlock
from .content import (
    CallToActionBlock,
    EmbedBlock,
    FaqBlock,
    FaqItemBlock,
    HeadingBlock,
    ImageBlock,
    ParagraphBlock,
    QuoteBlock,
)
from .features import CareFactsSummaryBlock, ChatRoomBlock, IdentificationBlock


class BodyStreamBlock(blocks.StreamBlock):
    """Every block an editor can place in a page body."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = EmbedBlock()
    faq = FaqBlock()
    care_facts = CareFactsSummaryBlock()
    product_card = ProductCardBlock()
    product_grid = ProductGridBlock()
    identification = IdentificationBlock()
    chat_room = ChatRoomBlock()


class FaqStreamBlock(blocks.StreamBlock):
    question = FaqItemBlock()


def product_ids_in(stream_value) -> list[int]:
    """Ids of every product a body shows, in order, without duplicates.

    Reads the raw JSON, so no block value (and no query) is built for it.
    """
    seen: dict[int, None] = {}
    for item in stream_value.raw_data if stream_value else []:
        value = item.get("value") or {}
        if item.get("type") == "product_card" and value.get("product"):
            seen.setdefault(int(value["product"]), None)
        elif item.get("type") == "product_grid":
            for child in value.get("products") or []:
                # ListBlock children are {"type": "item", "value": id, "id": ...}
                product_id = child.get("value") if isinstance(child, dict) else child
                if product_id:
                    seen.setdefault(int(product_id), None)
    return list(seen)


def room_ids_in(stream_value) -> list[int]:
    """Ids of the chat rooms a body embeds, from the raw JSON."""
    seen: dict[int, None] = {}
    for item in stream_value.raw_data if stream_value else []:
        value = item.get("value") or {}
        if item.get("type") == "chat_room" and value.get("room"):
            seen.setdefault(int(value["room"]), None)
    return list(seen)


def stream_tags(stream_value) -> list[str]:
    """Page-cache tags of what a body shows live: its products and rooms."""
    from cms.page_cache import product_tag, room_tag

    return [
        *(product_tag(product_id) for product_id in product_ids_in(stream_value)),
        *(room_tag(room_id) for room_id in room_ids_in(stream_value)),
    ]


__all__ = [
    "BodyStreamBlock",
    "CallToActionBlock",
    "CareFactsSummaryBlock",
    "ChatRoomBlock",
    "EmbedBlock",
    "FaqBlock",
    "FaqItemBlock",
    "FaqStreamBlock",
    "HeadingBlock",
    "IdentificationBlock",
    "ImageBlock",
    "ParagraphBlock",
    "ProductCardBlock",
    "ProductChooserBlock",
    "ProductGridBlock",
    "QuoteBlock",
    "RoomChooserBlock",
    "SpeciesChooserBlock",
    "product_ids_in",
    "room_ids_in",
    "stream_tags",
]
