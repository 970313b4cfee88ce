"""Wagtail routing answered from the cache until the tree changes.

Wagtail routes every request from the database: the site (one query), the
site's root page and its specific row (two), then our ``url_path`` lookup and
the page's own row (two, ``CanopyPage.route_descendant``). Its answer changes
only when the tree does, and whatever changes the tree (publish, unpublish,
move, delete, a view restriction, a site, a species or an author) bumps the
site tag. So the site and the routed page, as Wagtail loaded them, are kept
under the site tag's version and handed back to Wagtail through the
attributes it caches a route in for the rest of the request.

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
    route as Wagtail does and keep the result for the next request."""
    version = site_version(request)
    if version is None:
        return  # the cache is away: Wagtail routes from the database
    key = _route_key(request, path, version)
    cache = _cache()
    cached = cache.get(key)
    if cached is not None:
        site, page = cached
        request._wagtail_site = site
        request._wagtail_route_for_request = (page, [], {})
        return
    route = Page.route_for_request(request, path)
    if route is None:
        return
    page, args, kwargs = route
    if args or kwargs:
        return  # a sub-route of a routable page: let Wagtail resolve it each time
    # The relations its template reads travel with it (the site's root page
    # comes from Wagtail without them joined).
    for name in getattr(page, "route_select_related", ()):
        getattr(page, name)
    # Stored before the page is served: nothing a render attaches is kept.
    cache.set(key, (request._wagtail_site, page), _ROUTE_TIMEOUT)
