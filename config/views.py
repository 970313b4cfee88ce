from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api_errors import api_error_response
from .health import readiness_checks_run


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and can answer. Touches no service."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results = readiness_checks_run()
    checks = {result.name: result.detail for result in results}
    failed = [result.name for result in results if not result.ok]
    if failed:
        return JsonResponse(
            {"status": "unavailable", "failed": failed, "checks": checks}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})


def page_not_found(request: HttpRequest, exception=None):
    if request.path.startswith("/api/"):
        return api_error_response("not_found", "Nothing lives at this address.", 404)
    from django.views.defaults import page_not_found as html_page_not_found

    return html_page_not_found(request, exception)


def server_error(request: HttpRequest):
    if request.path.startswith("/api/"):
        return api_error_response(
            "server_error", "Something went wrong on our side.", 500
        )
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request)


def permission_denied(request: HttpRequest, exception=None):
    if request.path.startswith("/api/"):
        return api_error_response("forbidden", "You may not do that.", 403)
    from django.views.defaults import permission_denied as html_permission_denied

    return html_permission_denied(request, exception)


def bad_request(request: HttpRequest, exception=None):
    if request.path.startswith("/api/"):
        return api_error_response("bad_request", "The request was malformed.", 400)
    from django.views.defaults import bad_request as html_bad_request

    return html_bad_request(request, exception)
