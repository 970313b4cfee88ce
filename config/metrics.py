"""Prometheus metrics: request latency per view, plus the apps' own counters.

Several worker processes (gunicorn, uvicorn) each hold their own counters.
With ``PROMETHEUS_MULTIPROC_DIR`` set (before the first import of
prometheus_client, i.e. in the process environment) every process writes its
samples to files there and ``/metrics`` sums them, whichever worker answers.
The directory must be emptied when the server starts (the gunicorn config and
the systemd units do that) and dead workers are marked by the server hook.
"""

import hmac
import importlib
import logging
import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "canopy_http_request_duration_seconds",
    "Time from the first middleware to the response, by resolved view.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# Metrics the apps define; imported here so /metrics lists them even before
# their first increment in this process. A missing module is not an error:
# the apps land independently of this one.
APP_METRIC_MODULES = ("identify.metrics", "community.metrics", "shop.metrics")

UNRESOLVED_VIEW = "<unresolved>"


def _status_class(status_code: int) -> str:
    # 2xx/3xx/4xx/5xx keeps the label set small; exact codes are in the logs.
    return f"{status_code // 100}xx"


class RequestLatencyMiddleware:
    """Observes every request's duration under the name of the view it hit.

    The label is the URL pattern's view name, never the path: a path label
    would grow one series per product, page and uuid.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        REQUEST_LATENCY.labels(
            view=view,
            method=request.method if request.method in _METHODS else "other",
            status=_status_class(response.status_code),
        ).observe(time.perf_counter() - started)
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before URL resolution (a page cache hit, a redirect
        # middleware): name the view the path would have reached.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNRESOLVED_VIEW
    return match.view_name or match._func_path


def app_metrics_import() -> list[str]:
    """Import each app's metrics module that exists; returns those imported."""
    imported = []
    for module in APP_METRIC_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name not in (module, module.rsplit(".", 1)[0]):
                raise  # the module exists but is broken: say so
            continue
        imported.append(module)
    return imported


def metrics_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_access_allowed(request: HttpRequest) -> bool:
    """A scraper presents ``Authorization: Bearer <METRICS_TOKEN>``; staff may
    look with their session. Without a configured token only staff get in."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_access_allowed(request):
        user = getattr(request, "user", None)
        presented = "Authorization" in request.headers or (
            user is not None and user.is_authenticated
        )
        # 401 asks for credentials; 403 says the ones given are not enough.
        status = 403 if presented else 401
        response = HttpResponse(
            "Metrics need a bearer token or a staff session.\n",
            status=status,
            content_type="text/plain",
        )
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    app_metrics_import()
    return HttpResponse(
        generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST
    )
