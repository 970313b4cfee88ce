from django.http import HttpRequest

NAVIGATION = (
    ("Home", "/"),
    ("Shop", "/shop/"),
    ("Guides", "/guides/"),
    ("Articles", "/articles/"),
    ("Identify", "/identify/"),
    ("Community", "/community/"),
)


def site_navigation(request: HttpRequest) -> dict:
    """The one navigation of the site, with the current section marked."""
    path = request.path
    items = [
        {
            "label": label,
            "url": url,
            "is_current": path == "/" if url == "/" else path.startswith(url),
        }
        for label, url in NAVIGATION
    ]
    return {"site_navigation": items}
