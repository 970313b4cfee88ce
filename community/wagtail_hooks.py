"""The chat's Wagtail admin (wagtail-modeladmin): review queue, reports, mutes,
bans, the audit log, room settings and the word filter."""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import Truncator

from wagtail import hooks
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView

from . import admin_views, services
from .exceptions import ChatError
from .models import Ban, BlockedWord, Message, ModerationAction, Mute, Report, Room


@hooks.register("register_admin_urls")
def register_chat_admin_urls():
    return [
        path(
            "chat/<str:model>/<str:pk>/<str:action>/",
            admin_views.moderation_action,
            name="community_moderation_action",
        )
    ]


def _action_button(model: str, pk, action: str, label: str) -> dict:
    return {
        "url": reverse("community_moderation_action", args=[model, str(pk), action]),
        "label": label,
        "classname": "button button-small button-secondary",
        "title": label,
    }


class NoEditPermissionHelper(PermissionHelper):
    """Records changed only through moderation actions (audited)."""

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class NoCreatePermissionHelper(NoEditPermissionHelper):
    def user_can_create(self, user):
        return False


# --- Rooms --------------------------------------------------------------------------
class RoomEditView(EditView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.room_settings_saved(actor=self.request.user, room=self.instance)
        return response


class RoomAdmin(ModelAdmin):
    model = Room
    menu_label = "Rooms"
    menu_icon = "group"
    list_display = (
        "title",
        "slug",
        "is_members_only",
        "is_locked",
        "slow_mode_seconds",
    )
    search_fields = ("title", "slug")
    edit_view_class = RoomEditView
    form_fields_exclude = ["last_seq"]


# --- Review queue: held by the word filter or hidden after reports ----------------------
class ReviewButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, **kwargs):
        return [
            _action_button("message", obj.pk, "approve", "Publish"),
            _action_button("message", obj.pk, "delete", "Delete"),
        ]


class ReviewQueueAdmin(ModelAdmin):
    model = Message
    menu_label = "Review queue"
    menu_icon = "warning"
    list_display = ("excerpt", "author", "room", "state", "created")
    list_filter = ("state", "room")
    permission_helper_class = NoCreatePermissionHelper
    button_helper_class = ReviewButtonHelper

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                state__in=[Message.State.HELD, Message.State.HIDDEN],
                deleted_at__isnull=True,
            )
            .select_related("author", "room")
        )

    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)


# --- Reports ---------------------------------------------------------------------------
class ReportButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, **kwargs):
        if obj.state != Report.State.OPEN:
            return []
        return [
            _action_button("report", obj.pk, "resolve", "Resolve (delete message)"),
            _action_button("report", obj.pk, "dismiss", "Dismiss"),
        ]


class ReportAdmin(ModelAdmin):
    model = Report
    menu_label = "Reports"
    menu_icon = "flag"
    list_display = (
        "message_excerpt",
        "message_author",
        "reporter",
        "reason",
        "state",
        "created",
    )
    list_filter = ("state",)
    permission_helper_class = NoCreatePermissionHelper
    button_helper_class = ReportButtonHelper

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("message__author", "message__room", "reporter")
        )

    def message_excerpt(self, obj):
        return Truncator(obj.message.body).chars(80)

    def message_author(self, obj):
        return obj.message.author


# --- Mutes and bans --------------------------------------------------------------------
class RestrictionCreateView(CreateView):
    """Goes through the service: audited, and a ban closes live sockets."""

    def form_valid(self, form):
        data = form.cleaned_data
        service = (
            services.chat_user_ban if self.model is Ban else services.chat_user_mute
        )
        try:
            self.instance = service(
                actor=self.request.user,
                room=data.get("room"),
                username=data["user"].get_username(),
                until=data.get("until"),
                reason=data.get("reason", ""),
            )
        except ChatError as error:
            form.add_error(None, error.detail)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class RestrictionButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, **kwargs):
        if not obj.is_active:
            return []
        model = obj._meta.model_name
        return [_action_button(model, obj.pk, "lift", "Lift now")]


class RestrictionAdmin(ModelAdmin):
    list_display = ("user", "room", "until", "reason", "created_by", "active")
    list_filter = ("room",)
    search_fields = ("user__username", "reason")
    create_view_class = RestrictionCreateView
    permission_helper_class = NoEditPermissionHelper
    button_helper_class = RestrictionButtonHelper
    form_fields_exclude = ["created_by", "lifted_at"]

    def active(self, obj):
        return "yes" if obj.is_active else "no"


class MuteAdmin(RestrictionAdmin):
    model = Mute
    menu_label = "Mutes"
    menu_icon = "no"


class BanAdmin(RestrictionAdmin):
    model = Ban
    menu_label = "Bans"
    menu_icon = "cross"


# --- Audit log and word filter ------------------------------------------------------------
class AuditLogAdmin(ModelAdmin):
    model = ModerationAction
    menu_label = "Audit log"
    menu_icon = "history"
    list_display = ("created", "kind", "actor", "target_user", "room", "reason")
    list_filter = ("kind", "room")
    search_fields = ("reason", "actor__username", "target_user__username")
    inspect_view_enabled = True
    permission_helper_class = NoCreatePermissionHelper


class BlockedWordAdmin(ModelAdmin):
    model = BlockedWord
    menu_label = "Word filter"
    menu_icon = "openquote"
    list_display = ("phrase", "created")
    search_fields = ("phrase",)


class ChatAdminGroup(ModelAdminGroup):
    menu_label = "Chat"
    menu_icon = "group"
    menu_order = 400
    items = (
        ReviewQueueAdmin,
        ReportAdmin,
        MuteAdmin,
        BanAdmin,
        AuditLogAdmin,
        RoomAdmin,
        BlockedWordAdmin,
    )


modeladmin_register(ChatAdminGroup)
