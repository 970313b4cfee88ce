"""Wagtail admin: the species library and the identification requests."""

from django.db.models import Count
from django.utils.html import format_html

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from .models import IdentificationRequest, ReferencePhoto, Species


class SpeciesAdmin(ModelAdmin):
    model = Species
    menu_label = "Species library"
    menu_icon = "pick"
    list_display = (
        "scientific_name",
        "primary_common_name",
        "family",
        "gbif_id",
        "photo_count",
    )
    list_filter = (
        "family",
        "light",
        "difficulty",
        "humidity",
        "toxic_to_cats",
        "toxic_to_dogs",
    )
    search_fields = ("scientific_name", "authorship", "family", "slug")
    ordering = ("scientific_name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photos=Count("reference_photos"))

    def photo_count(self, obj) -> int:
        return obj.photos

    photo_count.short_description = "Reference photos"
    photo_count.admin_order_field = "photos"


class ReferencePhotoAdmin(ModelAdmin):
    """Adding or replacing a photo here updates the offline matcher's index on
    its next query (the index notices the change; nothing to rebuild by hand)."""

    model = ReferencePhoto
    menu_label = "Reference photos"
    menu_icon = "image"
    list_display = ("thumbnail", "species", "organ", "caption", "updated")
    list_filter = ("organ", "species")
    search_fields = ("species__scientific_name", "caption")
    ordering = ("species__scientific_name", "position")
    form_fields_exclude = ("descriptor", "descriptor_version")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("species")

    def thumbnail(self, obj) -> str:
        if not obj.image:
            return ""
        return format_html(
            '<img src="{}" alt="" width="64" height="64">', obj.image.url
        )


class ReadOnlyPermissionHelper(PermissionHelper):
    """Requests are records of what happened: staff inspect, never edit."""

    def user_can_create(self, user) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False


class IdentificationRequestAdmin(ModelAdmin):
    model = IdentificationRequest
    menu_label = "Identifications"
    menu_icon = "search"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = (
        "created",
        "status",
        "verdict",
        "backend_set",
        "duration",
        "top_candidate",
        "errors",
        "served_from_cache",
    )
    list_filter = ("status", "verdict", "served_from_cache", "created")
    search_fields = ("id", "error_code", "candidates")
    ordering = ("-created",)
    inspect_view_fields = (
        "id",
        "user",
        "status",
        "progress",
        "stage",
        "verdict",
        "candidates",
        "backends",
        "backend_set",
        "error_code",
        "error_detail",
        "served_from_cache",
        "attempts",
        "created",
        "started",
        "finished",
        "originals_purged",
    )

    def duration(self, obj) -> str:
        seconds = obj.duration_seconds
        return f"{seconds:.1f} s" if seconds is not None else "—"

    def errors(self, obj) -> str:
        failed = [
            f"{name}: {(data.get('error') or {}).get('code', 'failed')}"
            for name, data in (obj.backends or {}).items()
            if data.get("outcome") == "failed"
        ]
        if obj.error_code:
            failed.insert(0, obj.error_code)
        return ", ".join(failed) or "—"


class IdentificationGroup(ModelAdminGroup):
    menu_label = "Identification"
    menu_icon = "pick"
    menu_order = 260
    items = (SpeciesAdmin, ReferencePhotoAdmin, IdentificationRequestAdmin)


modeladmin_register(IdentificationGroup)
