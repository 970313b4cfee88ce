"""Wagtail routing answered from the cache until the tree changes.

Wagtail routes every request from the database: the site (one query), the
site's root page and its specific row (two), then our ``url_path`` lookup and
the page's own row (two, ``CanopyPage.route_descendant``). A miss here routes
in two or three (the site, the ``url_path`` lookup, the page). The answer changes
only when the tree does, and whatever changes the tree (publish, unpublish,
move, delete, a view restriction, a site, a species or an author) bumps the
site tag. So the site and the routed page, with the relations its template
reads, are kept under the site tag's version and handed to Wagtail through
the attributes it caches a route in for the rest of the request.

Only found, argument-free routes are kept (a random path cannot fill the
cache); view restrictions are still checked by Wagtail on every request.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.http.request import split_domain_port

from wagtail.models import Page

from cms.page_cache import site_version

_ROUTE_PREFIX = "cms:route:v1:"
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


def page_route_prime(request: HttpRequest, path: str) -> None:
    """Give Wagtail this request's site and page from the route cache, or
    route and keep the result for the next request."""
    version = site_version(request)
    if version is None:
        return  # the cache is away: Wagtail routes from the database
    key = _route_key(request, path, version)
    cache = _cache()
    cached = cache.get(key)
    if cached is None:
        cached = _route_by_url_path(request, path)
        if cached is None:
            return  # not a plain page route: Wagtail routes it (and 404s)
        # Stored before the page is served: nothing a render attaches is kept.
        cache.set(key, cached, _ROUTE_TIMEOUT)
    site, page = cached
    request._wagtail_site = site
    request._wagtail_route_for_request = (page, [], {})


def _route_by_url_path(request: HttpRequest, path: str):
    """(site, page) for a live page at ``path``, or None.

    Wagtail loads the site with its root page, then the root's specific row,
    then walks down; a page's ``url_path`` already spells the whole path
    below the root. So: the site, the ``url_path`` lookup (not for the root
    itself) and the page with what its template reads: two or three
    queries. None for anything else (no such page, not live, a sub-route of
    a routable page, translated trees): Wagtail routes those itself.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.http import Http404

    from wagtail.models import Site

    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page  # joined by Wagtail's site lookup
    parts = [part for part in path.split("/") if part]
    if not parts:
        found = (root.pk, root.content_type_id)
    else:
        found = (
            Page.objects.filter(url_path=root.url_path + "/".join(parts) + "/")
            .values_list("id", "content_type_id")
            .first()
        )
        if found is None:
            return None
    page_id, content_type_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    pages = model.objects.filter(id=page_id)
    select = getattr(model, "route_select_related", ())
    if select:  # (select_related() with no names would join every relation)
        pages = pages.select_related(*select)
    page = pages.first()
    if page is None:
        return None
    try:
        routed, args, kwargs = page.route(request, [])
    except Http404:
        return None  # not live
    if args or kwargs or routed.pk != page.pk:
        return None
    return site, routed
