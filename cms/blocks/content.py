"""Editorial blocks: text, images, quotes, calls to action, embeds, FAQs."""

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading_block.html"
        form_classname = "struct-block heading-block"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "features",
            ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        )
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/paragraph_block.html"


class ImageBlock(blocks.StructBlock):
    """An image cropped around its focal point, served as WebP in several
    widths so the browser picks the smallest that fills the slot."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Describe the image for people who cannot see it. "
        "Leave empty only for purely decorative images.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "cms/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote_block.html"


def _is_site_path(url: str) -> bool:
    # "//host" would leave the site; "/x" stays on it.
    return url.startswith("/") and not url.startswith("//")


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_text = blocks.CharBlock(max_length=40, default="Find out more")
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False,
        max_length=500,
        help_text="Used when no page is chosen: a full https:// address or a "
        "path on this site such as /guides/?pet_safe=1.",
    )

    class Meta:
        icon = "link"
        template = "cms/blocks/call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        if not value.get("page") and not url:
            raise StructBlockValidationError(
                block_errors={"url": ValidationError("Choose a page or enter a URL.")}
            )
        if url and not (url.startswith(("https://", "http://")) or _is_site_path(url)):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        "Enter an address starting with https:// or a path "
                        "starting with a single /."
                    )
                }
            )
        return value


class EmbedBlock(blocks.StructBlock):
    """A video or post from an oEmbed provider; the link stays as the
    fallback when the provider cannot be reached."""

    url = WagtailEmbedBlock(max_width=960)
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "media"
        template = "cms/blocks/embed_block.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = ParagraphBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        template = "cms/blocks/faq_item_block.html"


class FaqBlock(blocks.StructBlock):
    """Questions that open in place: <details> works without JavaScript."""

    heading = blocks.CharBlock(required=False, max_length=120)
    items = blocks.ListBlock(FaqItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/faq_block.html"
