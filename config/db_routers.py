"""Read replica routing: anonymous page and catalogue reads go to the replica.

Only requests that cannot observe their own recent writes are sent there: safe
methods, no session cookie, no basket cookie, and a path outside the places
that write or must read what was just written (checkout, basket, accounts,
admin, APIs, health checks). Everything else, and every write, uses the
primary. Without ``DATABASE_REPLICA_URL`` there is no "replica" alias and the
router always answers "default".
"""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

REPLICA_ALIAS = "replica"

replica_reads_allowed: ContextVar[bool] = ContextVar(
    "replica_reads_allowed", default=False
)

_SAFE_METHODS = frozenset({"GET", "HEAD"})


def replica_allowed_for(request: HttpRequest) -> bool:
    if request.method not in _SAFE_METHODS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed in, or has a session: may read its own writes
    if settings.OSCAR_BASKET_COOKIE_OPEN in request.COOKIES:
        return False  # a basket was just written on the primary
    return not request.path_info.startswith(settings.DATABASE_REPLICA_EXCLUDED_PREFIXES)


class ReplicaRequestMiddleware:
    """Marks the request's reads as replica-safe (or not) for the router."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = replica_reads_allowed.set(replica_allowed_for(request))
        try:
            return self.get_response(request)
        finally:
            replica_reads_allowed.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if REPLICA_ALIAS in settings.DATABASES and replica_reads_allowed.get():
            return REPLICA_ALIAS
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Same data on both aliases: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication, never by migrate.
        return db == "default"
