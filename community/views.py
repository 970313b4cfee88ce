"""The history API (contracts.md, Chat): GET /api/chat/<room>/messages/."""

from django.http import HttpRequest, JsonResponse

from config.api_errors import ApiError, json_api

from . import selectors
from .exceptions import ChatError

STATUS_BY_CODE = {
    "not_found": 404,
    "not_authenticated": 401,
    "forbidden": 403,
    "banned": 403,
    "bad_request": 400,
}


def _api_error(error: ChatError) -> ApiError:
    return ApiError(error.code, error.detail, STATUS_BY_CODE.get(error.code, 400))


@json_api(["GET"])
def message_list(request: HttpRequest, slug: str) -> JsonResponse:
    raw_limit = request.GET.get("limit", str(selectors.HISTORY_DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        raise ApiError("bad_request", "limit must be a whole number.") from None
    if not 1 <= limit <= selectors.HISTORY_MAX_LIMIT:
        raise ApiError(
            "bad_request", f"limit must be between 1 and {selectors.HISTORY_MAX_LIMIT}."
        )
    try:
        room = selectors.room_get_for_user(slug=slug, user=request.user)
        if request.user.is_authenticated and selectors.ban_active_get(
            user_id=request.user.pk, room_id=room.pk
        ):
            raise ChatError("banned", "You are banned from this room.")
        page = selectors.message_history(
            room=room,
            after=request.GET.get("after") or None,
            before=request.GET.get("before") or None,
            limit=limit,
        )
    except ChatError as error:
        raise _api_error(error) from error
    response = JsonResponse({"messages": page.messages, "has_more": page.has_more})
    # Members-only rooms and moderation make every page personal and short-lived.
    response["Cache-Control"] = "private, no-store"
    return response
