"""Holes in cached pages: ``{% personal_fragment "template.html" %}`` and
``{% personal_csrf %}`` render in place, or leave a marker the page cache
fills for each visitor."""

from django import template
from django.utils.safestring import mark_safe

from cms.page_cache import CSRF_HOLE, csrf_input, is_recording, marker

register = template.Library()


@register.simple_tag(takes_context=True)
def personal_fragment(context, template_name: str):
    request = context.get("request")
    if is_recording(request):
        return mark_safe(marker(template_name))  # noqa: S308 - fixed markup
    return mark_safe(  # noqa: S308 - a template's own output
        context.template.engine.get_template(template_name).render(context)
    )


@register.simple_tag(takes_context=True)
def personal_csrf(context):
    request = context.get("request")
    if request is None:
        return ""
    if is_recording(request):
        return mark_safe(marker(CSRF_HOLE))  # noqa: S308 - fixed markup
    return mark_safe(csrf_input(request))  # noqa: S308 - escaped token
