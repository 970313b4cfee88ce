from django.http import HttpRequest

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
    }
