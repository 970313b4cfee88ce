"""Rendered fragments shared by every visitor, kept across requests.

The full-page cache (cms/page_cache.py) only helps once a page is stored;
these fragments make the render itself cheaper. Each one depends on the
page tree, so it is keyed by the site tag's version: whatever bumps the site
tag (publish, unpublish, move, delete, view restriction change) retires every
stored fragment at once, with no key scanning. Two kinds outlive publishes
of other pages: a listing card is keyed by what it shows, and a page's body
by its own content, the tree version (URLs, images, species) and the tag
versions of the products and chat rooms it shows, so a sale re-renders the
bodies showing that product and nothing else.

Fragments are rendered with markers for personal bits (the CSRF token of an
add-to-basket form) and filled for each visitor.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from cms.page_cache import (
    MARKER_SALT,
    holes_filled_for,
    holes_recorded,
    query_is_kept,
    site_version,
    tree_version,
)

T = TypeVar("T")

_RELATED_PREFIX = "cms:fragment:related:v1:"
_CARD_PREFIX = "cms:fragment:page-card:v2:"
# Streams hold hole markers: their keys carry the markers' salt.
_STREAM_PREFIX = f"cms:fragment:stream:v2:{MARKER_SALT}:"
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
    from cms.selectors import related_pages_list

    def render() -> str:
        related = related_pages_list(page=page, tags=tags)
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


def _page_card_key(request: HttpRequest, item) -> str:
    """A card's key: everything its template shows, so a card is never
    stale and needs no purge, and a publish elsewhere leaves it be."""
    image = getattr(item, "hero_image", None)
    species = getattr(item, "species", None) if item.listing_kind == "guide" else None
    shown = (
        item.pk,
        item.listing_kind,
        item.title,
        item.url_path,
        item.intro,
        str(getattr(item, "date", "")),
        getattr(item, "reading_minutes", ""),
        getattr(species, "scientific_name", ""),
        image
        and (
            image.pk,
            image.file.name,
            image.width,
            image.height,
            image.focal_point_x,
            image.focal_point_y,
            image.focal_point_width,
            image.focal_point_height,
        ),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    # Card links are relative to the site serving the request.
    return f"{_CARD_PREFIX}{request.get_host()}:{digest}"


def page_cards_html(request: HttpRequest, pages: Iterable) -> list[SafeString]:
    """Each listing card (cms/includes/page_card.html) of ``pages``, in order.

    A card costs about 0.4 ms to render (renditions, srcset, URL); kept under
    a key made of what it shows, all of a listing's cards are one cache read,
    and still are right after a publish of another page.
    """
    from cms.selectors import card_renditions_prime

    pages = list(pages)
    template = get_template("cms/includes/page_card.html")

    def render(items: list) -> dict[int, str]:
        card_renditions_prime(items)
        return {
            item.pk: template.render({"item": item, "request": request})
            for item in items
        }

    if getattr(request, "is_preview", False):
        rendered = render(pages)
    else:
        keys = {item.pk: _page_card_key(request, item) for item in pages}
        cache = _cache()
        found = cache.get_many(list(keys.values()))
        rendered = {pk: found[key] for pk, key in keys.items() if key in found}
        missing = [item for item in pages if item.pk not in rendered]
        if missing:
            fresh = render(missing)
            rendered.update(fresh)
            cache.set_many(
                {keys[pk]: html for pk, html in fresh.items()}, _FRAGMENT_TIMEOUT
            )
    # Our own template's output, escaped when it was rendered.
    return [mark_safe(rendered[item.pk]) for item in pages]  # noqa: S308


def page_stream_html(
    request: HttpRequest, *, page, field_name: str, context: dict
) -> SafeString:
    """The blocks of ``page``'s StreamField ``field_name``, rendered with
    ``context`` as ``{% include_block %}`` would.

    Kept under a digest of the stream's own content, the tree version (the
    URLs, images, documents and species it shows) and the versions of its
    products and rooms, read by the page before rendering
    (``context["stream_tag_versions"]``): a publish of another page leaves
    it be. A stream whose versions could not be read, and any preview, is
    rendered fresh.
    """
    from cms.blocks import stream_tags

    stream = getattr(page, field_name)

    def render() -> str:
        # Each block sees itself as ``block``, the loop variable of the
        # template this replaces (block templates read ``block.id``).
        return "".join(
            child.render_as_block(context={**context, "block": child})
            for child in stream
        )

    # Blocks may show the request's path and query (the identification form
    # returns to it): kept per full path, for the query strings pages read.
    if getattr(request, "is_preview", False) or not query_is_kept(request):
        return mark_safe(render())  # noqa: S308 - the blocks' own output
    version = tree_version(request)
    read = context.get("stream_tag_versions") or {}
    tags = sorted(stream_tags(stream))
    if version is None or any(tag not in read for tag in tags):
        return mark_safe(render())  # noqa: S308 - the blocks' own output
    shown = json.dumps(
        [list(stream.raw_data), [f"{tag}={read[tag]}" for tag in tags]],
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(shown.encode()).hexdigest()[:32]
    where = hashlib.sha256(
        f"{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()[:24]
    key = f"{_STREAM_PREFIX}{where}:{page.pk}:{field_name}:{version}:{digest}"
    cache = _cache()
    html = cache.get(key)
    if html is None:
        with holes_recorded(request):
            html = render()
        cache.set(key, html, _FRAGMENT_TIMEOUT)
    # The blocks' own output, escaped when it was rendered.
    return mark_safe(holes_filled_for(request, html))  # noqa: S308


class TreeCachedListing:
    """A listing's queryset read through ``tree_read_cached``: its length and
    each slice a paginator asks for are read once per tree version.

    Listings (the article and guide indexes, with their filters) show live,
    public pages only, so they change only with the tree. ``name`` must
    name the listing and its filters; values chosen by the visitor are hashed
    into the key. A Paginator only slices within the count, so a visitor
    cannot make more entries than a listing has pages.
    """

    def __init__(self, request: HttpRequest, name: str, read: Callable[[], Any]):
        self._request = request
        self._name = hashlib.sha256(name.encode()).hexdigest()[:24]
        self._read = read

    def count(self) -> int:
        return tree_read_cached(
            self._request, f"listing:{self._name}:count", lambda: self._read().count()
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice):
            raise TypeError("a listing is read a page (a slice) at a time")
        return tree_read_cached(
            self._request,
            f"listing:{self._name}:{index.start}:{index.stop}",
            lambda: list(self._read()[index]),
        )
