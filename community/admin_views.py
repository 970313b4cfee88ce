"""Moderation actions behind the Wagtail admin's buttons (confirm, then POST).

Each view parses the request, calls one service and redirects; the services
check the moderator's rights, write the audit log and notify open clients.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .exceptions import ChatError
from .models import Ban, Message, Mute, Report

ACTIONS = {
    ("report", "resolve"): (
        "Resolve this report: the message is deleted for everyone.",
        lambda request, obj: services.report_resolve(
            actor=request.user, report_id=obj.pk
        ),
    ),
    ("report", "dismiss"): (
        "Dismiss this report: the message stays (and shows again if hidden).",
        lambda request, obj: services.report_dismiss(
            actor=request.user, report_id=obj.pk
        ),
    ),
    ("message", "approve"): (
        "Publish this message to the room.",
        lambda request, obj: services.chat_message_approve(
            actor=request.user, message_id=obj.pk
        ),
    ),
    ("message", "delete"): (
        "Delete this message for everyone.",
        lambda request, obj: services.chat_message_delete(
            actor=request.user, message_id=obj.pk, reason="admin review"
        ),
    ),
    ("mute", "lift"): (
        "Lift this mute now.",
        lambda request, obj: services.restriction_lift(
            actor=request.user, restriction=obj
        ),
    ),
    ("ban", "lift"): (
        "Lift this ban now.",
        lambda request, obj: services.restriction_lift(
            actor=request.user, restriction=obj
        ),
    ),
}
MODELS = {"report": Report, "message": Message, "mute": Mute, "ban": Ban}


@require_http_methods(["GET", "POST"])
def moderation_action(
    request: HttpRequest, model: str, pk: str, action: str
) -> HttpResponse:
    if (model, action) not in ACTIONS:
        return HttpResponse(status=404)
    question, perform = ACTIONS[(model, action)]
    obj = get_object_or_404(MODELS[model], pk=pk)
    back = reverse(f"community_{model}_modeladmin_index")
    if request.method == "POST":
        try:
            perform(request, obj)
        except ChatError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "Done.")
        return redirect(back)
    return TemplateResponse(
        request,
        "community/admin/confirm.html",
        {"question": question, "object": obj, "back": back},
    )
