"""The visitor's address as the proxy saw it."""

from django.conf import settings
from django.http import HttpRequest


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
