"""Who and where a sign-in attempt comes from, as django-axes counts it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

# Oscar's storefront form prefixes its fields ("login-username"); Wagtail's
# and Django's admin forms do not.
USERNAME_FIELDS = ("username", "login-username")


def client_ip_address(request: HttpRequest) -> str | None:
    """X-Real-IP when the app runs behind our nginx (TRUST_X_REAL_IP, on in
    production), else the socket peer. nginx sets the header from
    ``$remote_addr`` on every request, so a client cannot forge it; an app
    server reachable without nginx must not trust it."""
    if getattr(settings, "TRUST_X_REAL_IP", False):
        real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real_ip:
            return real_ip
    return request.META.get("REMOTE_ADDR")


def signin_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account an attempt is aimed at, as one name whichever form was used.

    Without this axes reads only POST["username"] and counts what was typed:
    the shop form takes an e-mail address, the admin forms a username, so
    attempts on one account were split across two names and a successful
    sign-in (recorded under the username) never reset the shop's failures.
    """
    typed = None
    if credentials and credentials.get("username"):
        typed = credentials["username"]
    else:
        post = getattr(request, "POST", None) or {}
        typed = next(
            (post[field] for field in USERNAME_FIELDS if post.get(field)), None
        )
    if not typed or "@" not in typed:
        return typed
    usernames = list(
        get_user_model()
        .objects.filter(email__iexact=typed)
        .values_list("username", flat=True)[:2]
    )
    return usernames[0] if len(usernames) == 1 else typed.lower()
