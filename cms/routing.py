"""Wagtail routing answered from the cache until the tree's shape changes.

Wagtail routes every request from the database: the site (one query), the
site's root page and its specific row (two), then our ``url_path`` lookup and
the page's own row (two, ``CanopyPage.route_descendant``). Which page a path
names changes only with the tree's shape, and the page's row only when the
page is saved. So a route is kept under the tree tag's version (moves, slug
changes, deletions, sites, images, authors, species; not publishes of other
pages) as the site, the page's id and type, and the page's row with the
relations its template reads, stamped with the page's own tag version; a
save of the page retires the row, which is then read again (one query) and
checked against the path (its url_path, live), so a kept route never serves
a moved or withdrawn page. Everything is handed to Wagtail through the
attributes it caches a route in for the rest of the request.

Only found, argument-free routes are kept (a random path cannot fill the
cache); view restrictions are still checked by Wagtail on every request.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port

from wagtail.models import Page, Site

from cms.page_cache import page_tag, tag_versions_read, tree_version

_ROUTE_PREFIX = "cms:route:v4:"
# Retired by the version in the key; this only bounds what an unvisited page
# keeps in Redis.
_ROUTE_TIMEOUT = 60 * 60 * 24


def _cache():
    return caches[getattr(settings, "CMS_PAGE_CACHE_ALIAS", "default")]


def _route_key(request: HttpRequest, path: str, version: int) -> str:
    # As Wagtail's Site.find_for_request reads the host (ALLOWED_HOSTS has
    # already vetted it by the time a view runs).
    hostname = split_domain_port(request._get_raw_host())[0]
    return f"{_ROUTE_PREFIX}{version}:{hostname}:{request.get_port()}:{path}"


def _url_path(site: Site, path: str) -> str:
    # The site's root page is joined by Wagtail's site lookup.
    return site.root_page.url_path + "".join(
        f"{part}/" for part in path.split("/") if part
    )


def page_route_prime(request: HttpRequest, path: str) -> None:
    """Give Wagtail this request's site and page from the route cache (no
    query while the page is unchanged), or route and keep the result."""
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return  # translated trees: Wagtail routes them itself
    version = tree_version(request)
    if version is None:
        return  # the cache is away: Wagtail routes from the database
    key = _route_key(request, path, version)
    cache = _cache()
    kept = cache.get(key)
    if kept is not None:
        site, page_id, row_version, page = kept
        if _row_version(page_id) == row_version:
            _route_give(request, site, page)
            return
    # Never routed here, or the page was saved since: route afresh.
    route = _route_located(request, path)
    if route is None:
        return  # not a plain page route: Wagtail routes it (and 404s)
    site, page_id, _ = route
    row_version = _row_version(page_id)  # before the row: a save meanwhile retires it
    page = _page_routed(request, path, route)
    if page is None:
        return  # not live, or routing further: Wagtail decides
    if row_version is not None:
        # Stored before the page is served: nothing a render attaches is kept.
        cache.set(key, (site, page_id, row_version, page), _ROUTE_TIMEOUT)
    _route_give(request, site, page)


def _row_version(page_id: int) -> int | None:
    tag = page_tag(page_id)
    return tag_versions_read([tag]).get(tag)


def _route_give(request: HttpRequest, site, page) -> None:
    # The attributes Wagtail's Site.find_for_request and
    # Page.route_for_request cache their answers in.
    request._wagtail_site = site
    request._wagtail_route_for_request = (page, [], {})


def _route_located(request: HttpRequest, path: str):
    """(site, page id, content type id) of the page at ``path``, or None:
    the site, then the ``url_path`` lookup (none for the root itself)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    if not any(part for part in path.split("/")):
        return site, site.root_page_id, site.root_page.content_type_id
    found = (
        Page.objects.filter(url_path=_url_path(site, path))
        .values_list("id", "content_type_id")
        .first()
    )
    return (site, *found) if found is not None else None


def _page_routed(request: HttpRequest, path: str, route):
    """The live page a route names, read with what its template reads, or
    None when it is gone, has moved, is not live or routes further."""
    site, page_id, content_type_id = route
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    pages = model.objects.filter(id=page_id)
    select = getattr(model, "route_select_related", ())
    if select:  # (select_related() with no names would join every relation)
        pages = pages.select_related(*select)
    page = pages.first()
    if page is None or page.url_path != _url_path(site, path):
        return None
    try:
        routed, args, kwargs = page.route(request, [])
    except Http404:
        return None  # not live
    if args or kwargs or routed.pk != page.pk:
        return None
    return routed
