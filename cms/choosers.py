"""Admin choosers for models that are not Wagtail-indexed (Oscar products,
species, chat rooms).

Generic choosers only show a search box for ``index.Indexed`` models, so each
one here brings its own filter form. The viewsets are registered in
``wagtail_hooks.py``; blocks read their widgets from here.
"""

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class _SearchFilterForm(BaseFilterForm):
    """A ``q`` box searching ``search_lookups`` with the ORM."""

    search_lookups: tuple[str, ...] = ()

    q = forms.CharField(
        label="Search term",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Search"}),
    )

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for lookup in self.search_lookups:
                condition |= Q(**{lookup: query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class ProductFilterForm(_SearchFilterForm):
    search_lookups = ("title__icontains", "upc__iexact", "parent__title__icontains")


class SpeciesFilterForm(_SearchFilterForm):
    search_lookups = ("scientific_name__icontains", "common_names__icontains")


class RoomFilterForm(_SearchFilterForm):
    search_lookups = ("title__icontains", "slug__icontains")


def _views_with_filter(form_class: type[BaseFilterForm]) -> tuple[type, type]:
    choose = type("ChooseView", (ChooseView,), {"filter_form_class": form_class})
    results = type(
        "ChooseResultsView", (ChooseResultsView,), {"filter_form_class": form_class}
    )
    return choose, results


_product_choose, _product_results = _views_with_filter(ProductFilterForm)


class ProductChooserViewSet(ChooserViewSet):
    """Oscar products for StreamField blocks. A chooser, not a snippet: editing
    stays in Oscar's dashboard, which knows product classes and stock."""

    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = "Choose a product"
    choose_another_text = "Choose another product"
    edit_item_text = "Edit this product"
    per_page = 20
    choose_view_class = _product_choose
    choose_results_view_class = _product_results

    def get_object_list(self):
        # Runs with the viewset as self (inject_view_methods); model may be a
        # string here, so resolve it.
        product_model = apps.get_model("catalogue", "Product")
        # Child variants are sold through their parent's page.
        return (
            product_model.objects.exclude(structure="child")
            .select_related("product_class")
            .order_by("title")
        )


_species_choose, _species_results = _views_with_filter(SpeciesFilterForm)


class SpeciesChooserViewSet(ChooserViewSet):
    model = "identify.Species"
    icon = "pick"
    choose_one_text = "Choose a species"
    choose_another_text = "Choose another species"
    edit_item_text = "Edit this species"
    per_page = 30
    choose_view_class = _species_choose
    choose_results_view_class = _species_results


_room_choose, _room_results = _views_with_filter(RoomFilterForm)


class RoomChooserViewSet(ChooserViewSet):
    model = "community.Room"
    icon = "group"
    choose_one_text = "Choose a chat room"
    choose_another_text = "Choose another chat room"
    per_page = 30
    choose_view_class = _room_choose
    choose_results_view_class = _room_results


product_chooser_viewset = ProductChooserViewSet("product_chooser")
species_chooser_viewset = SpeciesChooserViewSet("species_chooser")
room_chooser_viewset = RoomChooserViewSet("room_chooser")


def model_exists(label: str) -> bool:
    """True once another app has shipped the model (teams land in parallel)."""
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True
