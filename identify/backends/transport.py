"""HTTP plumbing shared by the remote backends: one call, our exceptions."""

from __future__ import annotations

import httpx

from .base import BackendRateLimited, BackendRejected, BackendUnavailable


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def http_post(backend: str, url: str, *, timeout: float, **kwargs) -> httpx.Response:
    """POST and map transport failures to our errors; the caller maps statuses."""
    try:
        return httpx.post(
            url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            **kwargs,
        )
    except httpx.TimeoutException as exc:
        raise BackendUnavailable(
            "timeout", f"{backend} did not answer within {timeout:g} s."
        ) from exc
    except httpx.HTTPError as exc:
        raise BackendUnavailable(
            "unreachable", f"{backend} could not be reached ({type(exc).__name__})."
        ) from exc


def raise_for_common_status(backend: str, response: httpx.Response) -> None:
    """Statuses every provider shares: 401/403, 413, 429, 5xx."""
    status = response.status_code
    text = response.text.strip()[:200]
    if status in (401, 403):
        raise BackendRejected("unauthorised", f"{backend} refused the API key: {text}")
    if status == 413:
        raise BackendRejected("image_too_large", f"{backend} refused the image size.")
    if status == 429:
        raise BackendRateLimited(
            "rate_limited",
            f"{backend} quota or rate limit reached: {text}",
            retry_after=_retry_after(response),
        )
    if status >= 500:
        raise BackendUnavailable("unavailable", f"{backend} failed with HTTP {status}.")
    if status >= 400:
        raise BackendRejected("bad_request", f"{backend} rejected the request: {text}")


def json_body(backend: str, response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError as exc:
        raise BackendRejected(
            "malformed_response", f"{backend} answered with a body that is not JSON."
        ) from exc
    if not isinstance(body, dict):
        raise BackendRejected(
            "malformed_response", f"{backend} answered with unexpected JSON."
        )
    return body
