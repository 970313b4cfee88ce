"""Blocks that sell: product cards and grids, priced live for the visitor."""

from wagtail import blocks

from .choosers import ProductChooserBlock


def _cards_for(parent_context: dict | None, product_ids: list[int]) -> dict:
    """The visitor's product cards for ``product_ids``.

    Pages preload every product of their body into ``product_cards`` (one
    batch); a block rendered elsewhere (preview of a lone block, the API)
    loads its own.
    """
    from cms.selectors import product_cards_for_request

    parent_context = parent_context or {}
    if "product_cards" in parent_context:
        return parent_context["product_cards"]
    return product_cards_for_request(
        parent_context.get("request"), product_ids=product_ids
    )


class ProductCardBlock(blocks.StructBlock):
    product = ProductChooserBlock()
    note = blocks.CharBlock(
        required=False, max_length=200, help_text="Why we recommend it (optional)."
    )

    class Meta:
        icon = "tag"
        template = "cms/blocks/product_card_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        product_id = value.get("product")
        cards = _cards_for(parent_context, [product_id] if product_id else [])
        card = cards.get(product_id)
        # Unavailable products are hidden rather than offered and refused.
        context["card"] = card if card is not None and card.is_available else None
        return context


class ProductGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    products = blocks.ListBlock(ProductChooserBlock(), min_num=1, max_num=12)

    class Meta:
        icon = "table"
        template = "cms/blocks/product_grid_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        product_ids = [product_id for product_id in value["products"] if product_id]
        cards = _cards_for(parent_context, product_ids)
        context["cards"] = [
            cards[product_id]
            for product_id in product_ids
            if product_id in cards and cards[product_id].is_available
        ]
        return context
