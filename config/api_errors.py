"""The one JSON error shape of every /api/ endpoint (contracts.md, Errors)."""

import functools
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiError(Exception):
    """An expected API failure; ``json_api`` views answer it as the contract's JSON."""

    def __init__(
        self, code: str, detail: str, status: int = 400, retry_after: int | None = None
    ):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


def api_error_response(
    code: str, detail: str, status: int, retry_after: int | None = None
) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "detail": detail}}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, int(retry_after)))
    return response


def json_api(methods: Iterable[str]) -> Callable:
    """Decorate an API view: 405 as JSON for other methods, ApiError as JSON."""
    allowed = [method.upper() for method in methods]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = api_error_response(
                    "method_not_allowed",
                    f"Use {', '.join(allowed)} on this address.",
                    405,
                )
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return api_error_response(
                    error.code, error.detail, error.status, error.retry_after
                )

        return wrapper

    return decorator
