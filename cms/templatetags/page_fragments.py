"""Fragments kept across requests (cms/fragments.py), placed by templates:
``{% page_stream "body" %}`` for a page's StreamField, and
``{% page_cards pages as cards %}`` for listing cards."""

from django import template

from cms.fragments import page_cards_html, page_stream_html

register = template.Library()


@register.simple_tag(takes_context=True)
def page_stream(context, field_name: str):
    """Like ``{% for block in page.<field> %}{% include_block block %}``."""
    return page_stream_html(
        context["request"],
        page=context["page"],
        field_name=field_name,
        context=context.flatten(),
    )


@register.simple_tag(takes_context=True)
def page_cards(context, pages):
    return page_cards_html(context["request"], pages)
