"""Rendered fragments shared by every visitor, kept across requests.

The full-page cache (cms/page_cache.py) only helps once a page is stored;
these fragments make the render itself cheaper. Each one depends on the
page tree alone, so it is keyed by the site tag's version: whatever bumps
the site tag (publish, unpublish, move, delete, view restriction change)
retires every stored fragment at once, with no key scanning.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from cms.page_cache import site_version

T = TypeVar("T")

_RELATED_PREFIX = "cms:fragment:related:v1:"
_TREE_READ_PREFIX = "cms:fragment:tree-read:v1:"
# A day: stale entries are retired by the version in the key, this only
# bounds what a page nobody visits keeps in Redis.
_FRAGMENT_TIMEOUT = 60 * 60 * 24


def _cache():
    return caches[getattr(settings, "CMS_PAGE_CACHE_ALIAS", "default")]


def related_links_html(request: HttpRequest, *, page, tags: list) -> SafeString:
    """The "Related reading" section of ``page`` (cms/includes/related.html).

    Its two listing queries, card images and template cost about a fifth of
    an article's render, and it changes only when the tree does. A preview
    shows the draft's tags, so it is rendered fresh and never stored.
    """
    from cms.selectors import card_renditions_prime, related_pages_list

    def render() -> str:
        related = related_pages_list(page=page, tags=tags)
        card_renditions_prime(related)
        # A plain context: the cards need the request (for page URLs) but
        # none of the context processors a RequestContext would run.
        return get_template("cms/includes/related.html").render(
            {"related_pages": related, "request": request}
        )

    if getattr(request, "is_preview", False):
        return render()
    version = site_version(request)
    if version is None:
        return render()  # the cache is away: no version to key by
    # Card links are relative to the site serving the request.
    key = f"{_RELATED_PREFIX}{request.get_host()}:{page.pk}:{version}"
    cache = _cache()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, _FRAGMENT_TIMEOUT)
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def tree_read_cached(request: HttpRequest, name: str, read: Callable[[], T]) -> T:
    """``read()``, kept until the tree changes (the site tag's version).

    For reads of published pages only (the home page's latest articles and
    featured guides, the article tags): the same for every visitor and
    changed only by what bumps the site tag. A preview reads fresh.
    """
    if getattr(request, "is_preview", False):
        return read()
    version = site_version(request)
    if version is None:
        return read()  # the cache is away: no version to key by
    key = f"{_TREE_READ_PREFIX}{name}:{version}"
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, _FRAGMENT_TIMEOUT)
    return value
