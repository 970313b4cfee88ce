"""The edge tier: nginx keeps pages for visitors without cookies (docs/adr/0004).

nginx marks a GET or HEAD that carries no cookie and no credentials with
``X-Canopy-Edge: 1``. For such a request the page cache fills the personal
holes as for any anonymous visitor, except the CSRF inputs, which get a
placeholder; nginx writes a fresh random secret over every placeholder and
sets the same value as the visitor's ``csrftoken`` cookie, whether the page
came from its cache or from us. Django accepts an unmasked secret as a form
token, so the visitor's first POST passes the CSRF check like any other.

A page the page cache may store is answered with ``X-Accel-Expires``: nginx
keeps it for ``CMS_EDGE_CACHE_SECONDS`` (1 s by default) and refreshes it in
the background, so a hot page costs the app one request a second however
many visitors read it, and a publish or a sale shows through the edge within
that second. Nothing else is stored there: nginx ignores the app's other
caching headers and never stores a response that sets a cookie.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

EDGE_HEADER = "X-Canopy-Edge"
# Tells nginx that the body holds the placeholder, so it sets the cookie.
EDGE_CSRF_HEADER = "X-Canopy-Edge-CSRF"
# Kept in step with deploy/nginx/canopy-edge-cache.conf's sub_filter.
EDGE_CSRF_PLACEHOLDER = "__canopy_edge_csrf__"


def edge_request_mark(request: HttpRequest) -> None:
    """Note whether nginx asked for the edge's copy of this page.

    The cookie check is ours too: a request with any cookie is someone's,
    whatever a header says.
    """
    request.page_cache_edge = (
        request.method in {"GET", "HEAD"}
        and request.headers.get(EDGE_HEADER) == "1"
        and not request.COOKIES
    )


def is_edge_request(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "page_cache_edge", False))


def edge_csrf_token(request: HttpRequest) -> str:
    """The token for a CSRF input: the placeholder on an edge request."""
    if is_edge_request(request):
        request.page_cache_edge_csrf = True
        return EDGE_CSRF_PLACEHOLDER
    return get_token(request)


def edge_storable_mark(request: HttpRequest) -> None:
    """The page cache stores (or served) this page: the edge may keep it."""
    request.page_cache_edge_storable = True


def edge_response_finish(request: HttpRequest, response: HttpResponse) -> None:
    """Headers that tell nginx what to do with an edge request's response."""
    if not is_edge_request(request):
        return
    django_sets_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if getattr(request, "page_cache_edge_csrf", False):
        if django_sets_token:
            # Another form on the page used Django's own token, whose cookie
            # goes out with this response: the placeholders take that token,
            # and nginx sets no cookie of its own over it.
            response.content = response.content.replace(
                EDGE_CSRF_PLACEHOLDER.encode(), get_token(request).encode()
            )
        else:
            response[EDGE_CSRF_HEADER] = "1"
    if (
        getattr(request, "page_cache_edge_storable", False)
        and response.status_code == 200
        and not response.cookies
        and not django_sets_token
    ):
        response["X-Accel-Expires"] = str(
            int(getattr(settings, "CMS_EDGE_CACHE_SECONDS", 1))
        )
