"""Production: everything secure, and refuse to start with unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer health checks come in over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
OSCAR_URL_SCHEMA = "https"
AXES_ENABLED = True

if not env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # Hashed names so nginx can serve /static/ with far-future cache headers.
    STORAGES["staticfiles"] = {  # noqa: F405
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    }

# Redis outages must not turn cached pages into 500s: miss and fall through.
for _cache in CACHES.values():  # noqa: F405
    if _cache["BACKEND"] == "config.cache.RedisCache":
        _cache["BACKEND"] = "config.cache.TolerantRedisCache"

# Behind TLS the site's own origin is the trusted one for CSRF.
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[
        f"https://*{host}" if host.startswith(".") else f"https://{host}"
        for host in ALLOWED_HOSTS
        if host != "*"
    ],
)
# Sign-in throttling: lock a username+address pair after AXES_FAILURE_LIMIT
# failures. App servers sit behind nginx, which overwrites X-Real-IP with the
# peer's address; REMOTE_ADDR would be nginx itself for everyone.
AXES_CLIENT_IP_CALLABLE = "config.signin_throttle.client_ip_address"
AXES_USERNAME_CALLABLE = "config.signin_throttle.signin_username"
TRUST_X_REAL_IP = env.bool("TRUST_X_REAL_IP", default=True)

# nginx serves these directories directly; deployments choose where they live.
STATIC_ROOT = env.path("STATIC_ROOT", default=str(STATIC_ROOT))  # noqa: F405
