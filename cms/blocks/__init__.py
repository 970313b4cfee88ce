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
]
