"""Blocks whose behaviour other apps provide (identification, chat) and the
care-facts summary, which reads the species library."""

from django.template.loader import select_template
from django.utils.safestring import mark_safe

from wagtail import blocks

from .choosers import RoomChooserBlock, SpeciesChooserBlock
from .content import ParagraphBlock


class _TemplateWithFallbackMixin:
    """Render the owning app's template, or ours until that app ships it.

    The identify and community apps own these blocks' markup; until their
    template exists the page still renders a no-JavaScript fallback.
    """

    fallback_template: str = ""

    def render(self, value, context=None):
        template = select_template([self.meta.template, self.fallback_template])
        new_context = self.get_context(value, parent_context=dict(context or {}))
        return mark_safe(template.render(new_context))  # noqa: S308 - a template's output


class IdentificationBlock(_TemplateWithFallbackMixin, blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="What plant is this?")
    intro = ParagraphBlock(required=False)

    fallback_template = "cms/blocks/identification_block_fallback.html"

    class Meta:
        icon = "search"
        template = "identify/blocks/identification_block.html"


class ChatRoomBlock(_TemplateWithFallbackMixin, blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    room = RoomChooserBlock()
    height = blocks.IntegerBlock(
        default=480, min_value=240, max_value=1200, help_text="Pixels."
    )

    fallback_template = "cms/blocks/chat_room_block_fallback.html"

    class Meta:
        icon = "group"
        template = "community/blocks/chat_room_block.html"


class CareFactsSummaryBlock(blocks.StructBlock):
    """A compact fact box for any species, read live from the species library."""

    species = SpeciesChooserBlock()
    heading = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/care_facts_summary_block.html"

    def get_context(self, value, parent_context=None):
        from cms.facts import care_facts_list

        context = super().get_context(value, parent_context=parent_context)
        species = value.get("species")
        context["facts"] = care_facts_list(species) if species else []
        return context
