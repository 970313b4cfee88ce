"""Anonymous-identical page cache with per-visitor holes (docs/adr/0003).

A Wagtail page is rendered once with markers where personal bits go (the
header's account links and basket count, flash messages, CSRF tokens); the
marked HTML is stored in the cache and every response, cached or not, gets
the holes filled for the visitor asking. Entries carry tag versions: bumping
a tag (publish, unpublish, stock or price change of a product shown) makes
every entry stamped with it stale at once, with no key scanning.
"""

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.module_loading import import_string

from cms.edge_cache import (
    edge_csrf_token,
    edge_request_mark,
    edge_response_finish,
    edge_storable_mark,
)

SITE_TAG = "site"
# What routes, links and page bodies read beyond their own rows: the tree's
# shape (moves, slugs, deletions), sites, images, documents and species.
# Whatever bumps it bumps the site tag too; a publish bumps only the site.
TREE_TAG = "tree"
_TAG_PREFIX = "pagecache:tag:"
MARKER_SALT = hashlib.sha256(f"page-cache:{settings.SECRET_KEY}".encode()).hexdigest()[
    :12
]
# Stored HTML holds markers salted with the secret key: what was stored under
# another key (a rotation, a bench run) must never be read back, or its holes
# would go out unfilled. Keys of marked HTML carry the salt.
_KEY_PREFIX = f"pagecache:v1:{MARKER_SALT}:"


def _cache():
    return caches[getattr(settings, "CMS_PAGE_CACHE_ALIAS", "default")]


def _timeout() -> int:
    return int(getattr(settings, "CMS_PAGE_CACHE_TIMEOUT", 3600))


def marker(name: str) -> str:
    """The hole for fragment ``name``; salted so page text cannot forge one."""
    return f"<!--pc:{MARKER_SALT}:{name}-->"


# -- holes ---------------------------------------------------------------------
CSRF_HOLE = "csrf"


def is_recording(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "page_cache_recording", False))


@contextmanager
def holes_recorded(request: HttpRequest):
    """Render with markers for the personal bits, whatever this request
    does: for fragments stored for every visitor (cms/fragments.py)."""
    previous = getattr(request, "page_cache_recording", False)
    request.page_cache_recording = True
    try:
        yield
    finally:
        request.page_cache_recording = previous


def holes_filled_for(request: HttpRequest, html: str) -> str:
    """Stored HTML for this response: left marked when the whole page is
    being recorded (the middleware fills it), filled for the visitor now
    otherwise."""
    return html if is_recording(request) else fill_holes(html, request)


def _fragment_context(request: HttpRequest) -> dict:
    """What a hole's template sees: the visitor, and the context processors
    named in CMS_PAGE_CACHE_FRAGMENT_CONTEXT_PROCESSORS (not every processor:
    Oscar's would cost queries for nothing)."""
    context = {
        "request": request,
        "user": getattr(request, "user", None),
        "messages": get_messages(request),
        "csrf_token": SimpleLazyObject(lambda: get_token(request)),
    }
    for path in getattr(settings, "CMS_PAGE_CACHE_FRAGMENT_CONTEXT_PROCESSORS", ()):
        context.update(import_string(path)(request))
    return context


def csrf_input(request: HttpRequest) -> str:
    return (
        '<input type="hidden" name="csrfmiddlewaretoken" value="'
        f'{escape(edge_csrf_token(request))}">'
    )


def fill_holes(html: str, request: HttpRequest) -> str:
    """Replace every marker with the visitor's own fragment."""
    prefix = f"<!--pc:{MARKER_SALT}:"
    if prefix not in html:
        return html
    context = None
    pieces = html.split(prefix)
    output = [pieces[0]]
    for piece in pieces[1:]:
        name, _, rest = piece.partition("-->")
        if name == CSRF_HOLE:
            output.append(csrf_input(request))
        else:
            if context is None:
                context = _fragment_context(request)
            output.append(get_template(name).render(context))
        output.append(rest)
    return "".join(output)


# -- what a page says about itself -----------------------------------------------
_RESTRICTED_PATHS_KEY = "pagecache:restricted-paths"


def restricted_paths() -> tuple[str, ...]:
    """Tree paths of pages with a view restriction (cached; a tiny table)."""
    from wagtail.models import PageViewRestriction

    cache = _cache()
    paths = cache.get(_RESTRICTED_PATHS_KEY)
    if paths is None:
        paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        cache.set(_RESTRICTED_PATHS_KEY, paths, None)
    return paths


def restricted_paths_forget() -> None:
    _cache().delete(_RESTRICTED_PATHS_KEY)


def page_cache_allow(
    request: HttpRequest, *, page, canonical_query: Mapping[str, str] | None
) -> None:
    """Mark this response storable: a public page rendered the same for all.

    Pages behind a view restriction (on them or an ancestor) are never
    stored: their content would reach visitors the restriction keeps out.
    ``canonical_query`` is the query string the page's own links give what
    it shows (``{"tag": "ferns", "page": "2"}``); any other spelling of it
    (``?page=abc``, an unknown tag, a filter value the page ignores, an
    article with ``?page=7``) is shown but neither it nor its fragments are
    kept, so nobody can fill the cache with copies of one page. None: no
    spelling is kept.
    """
    if canonical_query is None or not _query_spells(request, canonical_query):
        request.page_cache_query_declined = True
        return
    if not is_recording(request):
        return  # the cache is off for this request: nothing will be stored
    if any(page.path.startswith(path) for path in restricted_paths()):
        return
    request.page_cache_allowed = True


def tag_versions_stamp(
    request: HttpRequest | None, tags: Iterable[str]
) -> dict[str, int]:
    """The current version of each tag (one round trip), stamped on the page
    being rendered for the cache, if any.

    Call before reading what the tags stand for: a change during the render
    then leaves what the render stores (the page, a fragment) already stale.
    Tags missing from the answer could not be read (the cache is away).
    """
    tags = list(dict.fromkeys(tags))
    if not tags:
        return {}
    found = _tag_versions(tags, create=True)
    stamped = getattr(request, "page_cache_versions", None)
    if stamped is not None:
        stamped.update(found)
    return found


def product_tag(product_id: int) -> str:
    return f"product:{int(product_id)}"


def room_tag(room_id: int) -> str:
    """A chat room: its recent messages and rules show in its block."""
    return f"room:{int(room_id)}"


def page_tag(page_id: int) -> str:
    """A page's own row: bumped by every save of it (publish, unpublish)."""
    return f"page:{int(page_id)}"


def tag_versions_read(tags: Iterable[str]) -> dict[str, int]:
    """Current versions of ``tags`` (one round trip), not stamped on any
    page: for keeping a thing under them."""
    return _tag_versions(list(dict.fromkeys(tags)), create=True)


# -- tag versions ------------------------------------------------------------------
def _tag_versions(tags: Iterable[str], *, create: bool) -> dict[str, int]:
    """Current version of each tag, by tag. ``create`` starts missing tags."""
    cache = _cache()
    keys = {_TAG_PREFIX + tag: tag for tag in tags}
    found = cache.get_many(list(keys))
    if create:
        missing = [key for key in keys if key not in found]
        for key in missing:
            # A fresh tag starts at the clock, so an evicted tag never comes
            # back at a version an old entry was stamped with.
            cache.add(key, time.time_ns(), timeout=None)
        if missing:
            found.update(cache.get_many(missing))
    return {keys[key]: version for key, version in found.items()}


def _request_tag_version(request: HttpRequest | None, tag: str) -> int | None:
    """A tag's version, read once per request: the one the middleware read
    before rendering, or the first one read during it, so everything a
    render keys by it agrees. None when the cache cannot be reached."""
    versions = getattr(request, "page_cache_versions", None)
    if versions and tag in versions:
        return versions[tag]
    read = getattr(request, "_page_cache_tag_versions", None)
    if read is not None and tag in read:
        return read[tag]
    version = _tag_versions([tag], create=True).get(tag)
    if request is not None:
        if read is None:
            read = request._page_cache_tag_versions = {}
        read[tag] = version
    return version


def site_version(request: HttpRequest | None = None) -> int | None:
    """The site tag's version: bumped by every publish, unpublish, move,
    delete, restriction or settings change (listings, menus, related links)."""
    return _request_tag_version(request, SITE_TAG)


def tree_version(request: HttpRequest | None = None) -> int | None:
    """The tree tag's version (see TREE_TAG): routes and page bodies keep
    across publishes of other pages."""
    return _request_tag_version(request, TREE_TAG)


def page_cache_purge(tags: Iterable[str]) -> None:
    """Make every entry stamped with any of ``tags`` stale, now and again
    after the current transaction commits (so a request racing the commit
    cannot keep the old content)."""
    tags = list(tags)

    def bump() -> None:
        cache = _cache()
        for tag in tags:
            key = _TAG_PREFIX + tag
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, time.time_ns(), timeout=None)

    bump()
    transaction.on_commit(bump)


# -- the middleware ------------------------------------------------------------------
_EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/shop/",
    "/api/",
    "/static/",
    "/media/",
    "/documents/",
    "/i18n/",
    "/search/",
    "/healthz",
    "/readyz",
    "/sitemap.xml",
    "/robots.txt",
)
# Query parameters our pages read; anything else bypasses the cache so random
# parameters cannot flood it.
_ALLOWED_PARAMETERS = frozenset({"page", "tag", "light", "pet_safe", "difficulty"})


def query_is_kept(request: HttpRequest) -> bool:
    """Whether what is kept for this request may depend on its query string:
    only the parameters our pages read, each once, so random ones cannot
    flood the cache, and nothing else a visitor put in a link is stored; and
    only the spellings a page's links use (see ``page_cache_allow``)."""
    if getattr(request, "page_cache_query_declined", False):
        return False
    return set(request.GET).issubset(_ALLOWED_PARAMETERS) and all(
        len(request.GET.getlist(name)) == 1 for name in request.GET
    )


def _query_spells(request: HttpRequest, canonical: Mapping[str, str]) -> bool:
    # A parameter left empty (a filter form's unset select) counts as absent.
    given = {
        name: values
        for name in request.GET
        if (values := request.GET.getlist(name)) != [""]
    }
    return given == {name: [value] for name, value in canonical.items()}


def _cache_key(request: HttpRequest) -> str | None:
    if request.method not in {"GET", "HEAD"}:
        return None
    if request.path.startswith(_EXCLUDED_PREFIXES):
        return None
    if not query_is_kept(request):
        return None
    if "messages" in request.COOKIES:
        return None  # a flash message is waiting: render it fresh
    # Empty parameters are left out: a filter form's unset fields give the
    # same page as the links without them.
    query = "&".join(
        f"{name}={value}"
        for name in sorted(request.GET)
        if (value := request.GET[name])
    )
    raw = f"{request.get_host()}|{request.path}|{query}"
    return _KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


class PageCacheMiddleware:
    """Serve Wagtail pages from the cache, holes filled per visitor.

    Sits after the CSRF, auth and basket middleware so fragments can read the
    visitor and a token handed out here still gets its cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        edge_request_mark(request)
        response = self._respond(request)
        edge_response_finish(request, response)
        return response

    def _respond(self, request: HttpRequest) -> HttpResponse:
        key = _cache_key(request) if getattr(settings, "CMS_PAGE_CACHE", True) else None
        if key is None:
            return self.get_response(request)
        request.page_cache_recording = True
        cache = _cache()
        entry = cache.get(key)
        if entry is not None:
            current = _tag_versions(entry["versions"], create=False)
            if current == entry["versions"]:
                response = HttpResponse(
                    fill_holes(entry["body"], request),
                    content_type=entry["content_type"],
                )
                response["X-Page-Cache"] = "hit"
                response["Cache-Control"] = "private, no-cache"
                edge_storable_mark(request)
                return response

        # Versions are read before rendering: a purge while the page renders
        # makes the entry stored below stale at once, never stamped as fresh.
        request.page_cache_versions = _tag_versions([SITE_TAG, TREE_TAG], create=True)
        response = self.get_response(request)
        if (
            response.streaming
            or not hasattr(response, "content")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            # Only HTML carries holes; other bodies (images, JSON) pass as they are.
            return response
        body = response.content.decode(response.charset or "utf-8", "replace")
        if self._storable(request, response):
            cache.set(
                key,
                {
                    "body": body,
                    "content_type": response["Content-Type"],
                    "versions": request.page_cache_versions,
                },
                _timeout(),
            )
            response["X-Page-Cache"] = "miss"
            edge_storable_mark(request)
        response.content = fill_holes(body, request)
        response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or not getattr(
            request, "page_cache_allowed", False
        ):
            return False
        if response.cookies:
            return False  # the view set something personal
        storage = getattr(request, "_messages", None)
        return not (storage is not None and getattr(storage, "used", False))
