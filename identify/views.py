"""HTTP edges of identification: the JSON API and the no-JavaScript pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.api_errors import ApiError, json_api

from .models import IdentificationRequest
from .owners import anonymous_owner_get, rate_limit_key
from .selectors import (
    identification_request_get_for_user,
    identification_request_list,
    identification_result_body,
)
from .services import (
    UploadedPhoto,
    identification_rate_limit_hit,
    identification_request_submit,
)
from .uploads import MAX_PHOTOS, MAX_UPLOAD_BYTES

_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def _csrf_check(request: HttpRequest) -> None:
    """CSRF as for any form post, but failing with the API's JSON error."""
    if _csrf.process_view(request, None, (), {}) is not None:
        raise ApiError(
            "csrf_failed",
            "The security token is missing or wrong; reload the page and try again.",
            403,
        )


def _uploads_from(request: HttpRequest) -> list[UploadedPhoto]:
    files = request.FILES.getlist("image")
    organs = [
        organ.strip().lower() or "auto" for organ in request.POST.getlist("organ")
    ]
    if len(files) > MAX_PHOTOS:
        raise ApiError(
            "too_many_images", f"Send at most {MAX_PHOTOS} photos of one plant.", 400
        )
    if not organs:
        organs = ["auto"] * len(files)
    elif len(organs) == 1:
        organs = organs * len(files)
    elif len(organs) != len(files):
        raise ApiError(
            "organ_mismatch",
            "Send one “organ” per image, in the same order, or one for all.",
            400,
        )
    uploads = []
    for upload, organ in zip(files, organs, strict=False):
        if upload.size > MAX_UPLOAD_BYTES:  # refuse before reading it into memory
            raise ApiError(
                "file_too_large",
                f"“{upload.name}” is larger than 10 MB; send a smaller photo.",
                413,
            )
        uploads.append(
            UploadedPhoto(data=upload.read(), organ=organ, name=upload.name or "")
        )
    return uploads


def _location_from(request: HttpRequest) -> tuple[float, float] | None:
    """Optional ``latitude`` + ``longitude`` (both or neither), in range."""
    latitude, longitude = request.POST.get("latitude"), request.POST.get("longitude")
    if not latitude and not longitude:
        return None
    try:
        point = (float(latitude), float(longitude))
    except (TypeError, ValueError):
        point = None
    if point is None or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ApiError(
            "invalid_location",
            "Send “latitude” (-90 to 90) and “longitude” (-180 to 180) together, or neither.",
            400,
        )
    return point


def _submit(request: HttpRequest) -> tuple[IdentificationRequest, bool]:
    anonymous_owner = anonymous_owner_get(
        request.session, create=not request.user.is_authenticated
    )
    identification_rate_limit_hit(
        owner_key=rate_limit_key(request.user, anonymous_owner)
    )
    return identification_request_submit(
        user=request.user,
        anonymous_owner=anonymous_owner,
        uploads=_uploads_from(request),
        location=_location_from(request),
    )


def _owned_or_404(request: HttpRequest, request_id) -> IdentificationRequest:
    try:
        return identification_request_get_for_user(
            request_id=request_id,
            user=request.user,
            anonymous_owner=anonymous_owner_get(request.session) or None,
        )
    except IdentificationRequest.DoesNotExist as exc:
        raise Http404("No identification with this id.") from exc


@csrf_exempt  # checked inside, so a failure is the contract's JSON, not an HTML page
@json_api(["POST"])
def identification_create(request: HttpRequest) -> JsonResponse:
    _csrf_check(request)
    identification, cached = _submit(request)
    if cached:
        return JsonResponse(identification_result_body(identification), status=200)
    return JsonResponse(
        {
            "id": str(identification.id),
            "status": identification.status,
            "status_url": reverse("identify:status", args=[identification.id]),
            "ws_url": f"/ws/identify/{identification.id}/",
        },
        status=202,
    )


@json_api(["GET"])
def identification_status(request: HttpRequest, request_id) -> JsonResponse:
    try:
        identification = _owned_or_404(request, request_id)
    except Http404 as exc:
        raise ApiError("not_found", "No identification with this id.", 404) from exc
    response = JsonResponse(identification_result_body(identification))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def identification_submit_page(request: HttpRequest) -> HttpResponse:
    """The form's no-JavaScript path: post, then land on the result page."""
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = "/"
    try:
        identification, _cached = _submit(request)
    except ApiError as error:
        messages.error(request, error.detail)
        return redirect(back)
    return redirect("identify_pages:result", request_id=identification.id)


@require_GET
def identification_result_page(request: HttpRequest, request_id) -> HttpResponse:
    identification = _owned_or_404(request, request_id)
    response = render(
        request,
        "identify/result.html",
        {
            "identification": identification,
            "result": identification_result_body(identification),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def identification_history_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(identification_request_list(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "identify/history.html", {"page_obj": page})
