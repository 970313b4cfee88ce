"""Settings shared by every environment.

The environment is read here and only here (django-environ). The small
``dev``, ``test`` and ``production`` modules override a handful of values.
Defaults are the embedded ones: SQLite, local-memory cache, in-memory channel
layer and eager Celery, so ``make run`` needs no services.
"""

from pathlib import Path

from django.urls import reverse_lazy

from oscar.defaults import *  # noqa: F403  (Oscar's settings namespace, overridden below)

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -----------------------------------------------------------
# Order matters: daphne above staticfiles (runserver serves websockets),
# haystack above wagtail.search (both ship update_index; haystack's must win).
DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
]

# Oscar apps we fork live in shop/<label>/ and replace the stock entry here.
OSCAR_APPS = [
    "shop.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "rest_framework",
]

THIRD_PARTY_APPS = [
    "channels",
    "storages",
    "axes",
]

LOCAL_APPS = [
    "config.apps.CanopyConfig",
    "identify",
    "community",
    "shop",
    "cms",
]

INSTALLED_APPS = DJANGO_APPS + OSCAR_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Needs request.user, so after AuthenticationMiddleware.
    "oscar.apps.basket.middleware.BasketMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "config.context_processors.site_navigation",
            ],
        },
    },
]

# --- Data stores ------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections between requests; health checks drop dead ones.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # SQLite: wait for the write lock instead of failing under the dev server.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "canopy",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 defaults socket_timeout to 5 s, shorter than the
                # layer's 5 s BZPOPMIN: idle consumers would die. None = block.
                # max_connections: redis-py's async pool (100) raises, not
                # waits, when a reconnect storm of group_add/discard needs more.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": env.int(
                            "CHANNEL_LAYER_MAX_CONNECTIONS", default=1000
                        ),
                    }
                ],
                "capacity": 1500,
                "expiry": 60,
                "group_expiry": 86400,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# cached_db: a cache (Redis) outage falls back to the database, nobody is
# logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks that must not be lost opt in to acks_late per task; with this a
# worker killed mid-task hands the message back instead of dropping it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "identify.tasks.*": {"queue": "identify"},
    "shop.*.tasks.*": {"queue": "email"},
    "shop.tasks.*": {"queue": "email"},
}
CELERY_BEAT_SCHEDULE: dict = {}  # filled in config/celery.py, one place

# Wagtail 8 runs its own background jobs (search index, reference index)
# through django-tasks; see docs/adr/0002-wagtail-background-tasks.md.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Auth -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Oscar's login lives inside /shop/; Django's default would hit Wagtail's 404.
LOGIN_URL = reverse_lazy("customer:login")
LOGIN_REDIRECT_URL = "/"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# --- i18n / time ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
SITE_ID = 1

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "media"},
    }
    STORAGES["staticfiles"] = {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {"location": "static"},
    }

# Uploads: identify accepts 10 MB photos, up to 5 per request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
    EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
else:
    vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Canopy <shop@canopy.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Canopy"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"png": "webp", "jpeg": "webp"}
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 50

# --- Oscar ----------------------------------------------------------------------
OSCAR_SHOP_NAME = "Canopy"
OSCAR_SHOP_TAGLINE = "Plants, pots and know-how"
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "GBP"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}
}
# SimpleEngine implements no updates; the realtime processor only warns.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# --- Security defaults (production tightens) --------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the chat/identify scripts read it for fetch()
X_FRAME_OPTIONS = "DENY"  # Wagtail previews set SAMEORIGIN themselves
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# --- Logging ----------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_JSON else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Canopy -------------------------------------------------------------------------
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)

# Identification results link to the care guide and the products of a species.
# identify/ imports neither cms/ nor shop/: config wires these in by path.
IDENTIFY_CARE_GUIDE_URLS = "cms.selectors.care_guide_urls_for_species"
IDENTIFY_PRODUCT_SUMMARIES = "shop.selectors.species_product_summaries"

# --- Identification -------------------------------------------------------------------
# Remote identifiers are enabled by their key; the offline matcher always runs.
# Base URLs are settings so tests and regional endpoints can point elsewhere.
PLANTID_API_KEY = env.str("PLANTID_API_KEY", default="")
PLANTID_API_URL = env.str("PLANTID_API_URL", default="https://plant.id/api/v3")
PLANTID_TIMEOUT_SECONDS = env.float("PLANTID_TIMEOUT_SECONDS", default=20.0)
PLANTNET_API_KEY = env.str("PLANTNET_API_KEY", default="")
PLANTNET_API_URL = env.str("PLANTNET_API_URL", default="https://my-api.plantnet.org")
PLANTNET_PROJECT = env.str("PLANTNET_PROJECT", default="all")
PLANTNET_TIMEOUT_SECONDS = env.float("PLANTNET_TIMEOUT_SECONDS", default=20.0)
IDENTIFY_LOCAL_TIMEOUT_SECONDS = env.float(
    "IDENTIFY_LOCAL_TIMEOUT_SECONDS", default=10.0
)
# A top candidate scoring below this is "uncertain", not "identified".
IDENTIFY_UNCERTAIN_THRESHOLD = env.float("IDENTIFY_UNCERTAIN_THRESHOLD", default=0.5)
IDENTIFY_RATE_LIMIT_PER_HOUR = env.int("IDENTIFY_RATE_LIMIT_PER_HOUR", default=100)
IDENTIFY_RETENTION_DAYS = env.int("IDENTIFY_RETENTION_DAYS", default=30)
IDENTIFY_RESULT_CACHE_DAYS = env.int("IDENTIFY_RESULT_CACHE_DAYS", default=30)
IDENTIFY_MAX_RETRIES = env.int("IDENTIFY_MAX_RETRIES", default=4)

# --- Observability ------------------------------------------------------------------
# Request latency per view, first so it times the whole stack; /metrics is
# guarded by METRICS_TOKEN (a scraper's bearer token) or a staff session.
MIDDLEWARE.insert(0, "config.metrics.RequestLatencyMiddleware")
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- CSP ----------------------------------------------------------------------------
# No inline script anywhere on the site; see config/csp.py for the two staff
# UIs (Wagtail admin, Oscar dashboard) that get a relaxed script policy.
_CSP_ASSET_HOSTS = [
    f"https://{host}"
    for host in env.list("CSP_ASSET_HOSTS", default=[])
    + ([env.str("AWS_S3_CUSTOM_DOMAIN", default="")] if AWS_STORAGE_BUCKET_NAME else [])
    if host
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_CSP_ASSET_HOSTS],
        "style-src": ["'self'", *_CSP_ASSET_HOSTS],
        "img-src": ["'self'", "data:", "blob:", *_CSP_ASSET_HOSTS],
        "font-src": ["'self'", "data:", *_CSP_ASSET_HOSTS],
        "media-src": ["'self'", *_CSP_ASSET_HOSTS],
        # 'self' covers same-origin ws:/wss: for chat and identification.
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
CANOPY_CSP_RELAXED_PREFIXES = ("/admin/", "/shop/dashboard/")
CANOPY_CSP_RELAXED_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'", *_CSP_ASSET_HOSTS],
    "style-src": ["'self'", "'unsafe-inline'", *_CSP_ASSET_HOSTS],
}
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "config.csp.PathPolicyCSPMiddleware",
)

# --- Replica ------------------------------------------------------------------------
# Anonymous page and catalogue reads may go to a read replica; writes, the
# basket, checkout, accounts, admin and APIs always use the primary.
DATABASE_REPLICA_EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/shop/basket/",
    "/shop/checkout/",
    "/shop/accounts/",
    "/shop/dashboard/",
    "/api/",
    "/healthz",
    "/readyz",
    "/metrics",
)
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url("DATABASE_REPLICA_URL"),
        # Tests see the primary through this alias.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("config.middleware.RequestIdMiddleware") + 1,
        "config.db_routers.ReplicaRequestMiddleware",
    )

# --- Shop -------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402  (money settings are exact)

# Stock at or below this shows as "3 left" on product pages and cards.
SHOP_LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)
# Standard shipping is free at or above this basket total (incl. tax).
SHOP_FREE_SHIPPING_THRESHOLD = Decimal(
    env.str("SHOP_FREE_SHIPPING_THRESHOLD", default="50.00")
)
SHOP_STANDARD_SHIPPING_CHARGE = Decimal(
    env.str("SHOP_STANDARD_SHIPPING_CHARGE", default="4.95")
)
SHOP_EXPRESS_SHIPPING_CHARGE = Decimal(
    env.str("SHOP_EXPRESS_SHIPPING_CHARGE", default="9.95")
)
# Card payments (Stripe PaymentIntents) are offered only when both keys are set.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
if STRIPE_PUBLISHABLE_KEY:
    # Stripe.js must load from Stripe and frame its card fields (PCI scope).
    _csp = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _csp["script-src"].append("https://js.stripe.com")
    _csp["frame-src"] = ["https://js.stripe.com", "https://hooks.stripe.com"]
    _csp["connect-src"].append("https://api.stripe.com")
SHOP_BANK_ACCOUNT = env.str(
    "SHOP_BANK_ACCOUNT", default="Canopy Ltd, sort code 00-00-00, account 00000000"
)
# Order pipeline, driven from the dashboard (and by the card webhook for
# "Paid"). Cancelling releases the reserved stock; shipping consumes it.
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Paid", "Cancelled"),
    "Paid": ("Shipped", "Cancelled"),
    "Shipped": ("Delivered",),
    "Delivered": (),
    "Cancelled": (),
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = {
    "Paid": "Paid",
    "Shipped": "Shipped",
    "Delivered": "Delivered",
    "Cancelled": "Cancelled",
}

# --- CMS --------------------------------------------------------------------------------
# Page cache (docs/adr/0003-page-cache.md): after auth, CSRF and basket so the
# per-visitor holes can be filled; before redirects, which only act on 404s.
MIDDLEWARE.insert(
    MIDDLEWARE.index("wagtail.contrib.redirects.middleware.RedirectMiddleware"),
    "cms.page_cache.PageCacheMiddleware",
)
CMS_PAGE_CACHE = env.bool("CMS_PAGE_CACHE", default=True)
CMS_PAGE_CACHE_ALIAS = "default"
CMS_PAGE_CACHE_TIMEOUT = env.int("CMS_PAGE_CACHE_TIMEOUT", default=3600)
# How long nginx keeps a page for visitors without cookies (docs/adr/0004):
# the longest a publish or a sale takes to show through the edge. 0: never.
CMS_EDGE_CACHE_SECONDS = env.int("CMS_EDGE_CACHE_SECONDS", default=1)
# Context processors the cached pages' personal fragments (header account
# links, messages) need; the rest would only cost queries.
CMS_PAGE_CACHE_FRAGMENT_CONTEXT_PROCESSORS = [
    "config.context_processors.site_navigation"
]
# Rendition lookups cached: a warm page asks the database for no renditions.
CACHES["renditions"] = {
    **CACHES["default"],
    "KEY_PREFIX": "canopy-renditions",
    "LOCATION": CACHES["default"].get("LOCATION") or "renditions",
}
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # Trigram word similarity for fuzzy search ("monstra" -> Monstera).
        "FUZZY_SIMILARITY_THRESHOLD": 0.35,
    }
}
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILREDIRECTS_AUTO_CREATE = True

# --- Community (chat) ---------------------------------------------------------------
# Members may post CHAT_FLOOD_MESSAGES per CHAT_FLOOD_SECONDS across rooms;
# moderators are exempt. Three reports from different members hide a message.
CHAT_FLOOD_MESSAGES = env.int("CHAT_FLOOD_MESSAGES", default=8)
CHAT_FLOOD_SECONDS = env.int("CHAT_FLOOD_SECONDS", default=10)
CHAT_REPORTS_TO_HIDE = 3
# Frames a socket may have queued before it is closed with 1013 (its client
# reconnects and catches up from history) instead of losing messages.
CHAT_SOCKET_OUTBOX = env.int("CHAT_SOCKET_OUTBOX", default=1000)
# Presence: each process re-marks its sockets every heartbeat; entries of a
# process that died expire after the TTL.
CHAT_PRESENCE_TTL = env.float("CHAT_PRESENCE_TTL", default=45.0)
CHAT_PRESENCE_HEARTBEAT = env.float("CHAT_PRESENCE_HEARTBEAT", default=15.0)
