from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wagtail.views import serve as wagtail_serve

from cms.routing import page_route_prime
from cms.search import site_search
from cms.selectors import product_cards_for_request


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    results = site_search(request.GET.get("q", ""))
    cards = product_cards_for_request(request, product_ids=results.product_ids)
    return render(
        request,
        "cms/search.html",
        {
            "results": results,
            "product_cards": [cards[pk] for pk in results.product_ids if pk in cards],
        },
    )


@require_GET
def robots_txt_view(request: HttpRequest) -> HttpResponse:
    """Crawlers: everything public, nothing personal or administrative."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /shop/basket/",
        "Disallow: /shop/checkout/",
        "Disallow: /shop/accounts/",
        "Disallow: /shop/dashboard/",
        "Disallow: /api/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    if not getattr(settings, "CMS_ROBOTS_ALLOW_INDEXING", True):
        lines = ["User-agent: *", "Disallow: /"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def page_serve_view(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's own serve view, with the route taken from the route cache."""
    page_route_prime(request, path)
    return wagtail_serve(request, path)
