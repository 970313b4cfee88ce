from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

NAVIGATION = (
    ("Home", "/"),
    ("Shop", "/shop/"),
    ("Guides", "/guides/"),
    ("Articles", "/articles/"),
    ("Identify", "/identify/"),
    ("Community", "/community/"),
)

# Oscar mounts customer accounts inside the shop; they get their own header link,
# so "Shop" is not marked current there.
ACCOUNT_PREFIX = "/shop/accounts/"
# Pages where "come back here after signing in" would loop or make no sense.
NO_LOGIN_NEXT_PREFIXES = (
    "/shop/accounts/login/",
    "/shop/accounts/register/",
    "/shop/accounts/logout/",
)


SHOP_BAR_CACHE_KEY = "shop-bar-categories"
# Top-level categories change rarely; a new one shows in the bar within this time.
SHOP_BAR_CACHE_SECONDS = 300


def _shop_bar_categories() -> list[dict[str, str]]:
    """Top-level browsable categories for the shop bar, cached for every page."""
    from oscar.core.loading import get_model

    category_model = get_model("catalogue", "Category")

    def load() -> list[dict[str, str]]:
        categories = category_model.objects.browsable().filter(depth=1)
        return [{"name": c.name, "url": c.get_absolute_url()} for c in categories]

    return cache.get_or_set(SHOP_BAR_CACHE_KEY, load, SHOP_BAR_CACHE_SECONDS)


def _is_current(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    if url == "/shop/" and path.startswith(ACCOUNT_PREFIX):
        return False
    return path.startswith(url)


def site_navigation(request: HttpRequest) -> dict:
    """The one navigation of the site, with the current section marked."""
    path = request.path
    items = [
        {"label": label, "url": url, "is_current": _is_current(path, url)}
        for label, url in NAVIGATION
    ]
    login_next = "" if path == "/" or path.startswith(NO_LOGIN_NEXT_PREFIXES) else path
    return {
        "site_navigation": items,
        "account_is_current": path.startswith(ACCOUNT_PREFIX),
        "login_next": login_next,
        # Lazy: only pages showing the shop bar look the categories up.
        "shop_bar_categories": SimpleLazyObject(_shop_bar_categories),
    }
