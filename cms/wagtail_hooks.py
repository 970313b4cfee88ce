"""All admin wiring of the CMS: choosers, the Library menu, admin tidying."""

import importlib.util

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from cms.choosers import (
    model_exists,
    product_chooser_viewset,
    room_chooser_viewset,
    species_chooser_viewset,
)
from cms.models import Author


@hooks.register("register_admin_viewset")
def register_product_chooser():
    return product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_species_chooser():
    return species_chooser_viewset


if model_exists("community.Room"):

    @hooks.register("register_admin_viewset")
    def register_room_chooser():
        return room_chooser_viewset


class AuthorSnippetViewSet(SnippetViewSet):
    """Authors are snippets (chooser on articles); the menu entry lives in
    the Library group below, so this one stays out of the menu."""

    model = Author
    icon = "user"
    add_to_admin_menu = False
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


register_snippet(AuthorSnippetViewSet)


class AuthorAdmin(ModelAdmin):
    model = Author
    menu_label = "Authors"
    menu_icon = "user"
    list_display = ("name", "role", "slug")
    search_fields = ("name", "role", "bio")
    ordering = ("name",)


library_items = [AuthorAdmin]

# The species library is identify's model; if identify wires its own admin
# (identify/wagtail_hooks.py) we do not list it twice.
if importlib.util.find_spec("identify.wagtail_hooks") is None:
    from identify.models import Species

    class SpeciesAdmin(ModelAdmin):
        model = Species
        menu_label = "Species library"
        menu_icon = "pick"
        list_display = ("scientific_name", "family", "light", "difficulty")
        list_filter = ("light", "difficulty", "humidity", "toxic_to_cats")
        search_fields = ("scientific_name", "family", "common_names")
        ordering = ("scientific_name",)

    library_items.append(SpeciesAdmin)


class LibraryGroup(ModelAdminGroup):
    menu_label = "Library"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = tuple(library_items)


modeladmin_register(LibraryGroup)


@hooks.register("construct_main_menu")
def tidy_main_menu(request, menu_items):
    """Editors see content first; the rarely used Reports sink to the end."""
    order = {"explorer": 0, "images": 1, "documents": 2, "library": 3, "snippets": 4}
    menu_items.sort(key=lambda item: (order.get(item.name, 50), item.order))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("cms/admin.css"))
