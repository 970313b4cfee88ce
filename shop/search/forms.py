"""The filter/sort form behind catalogue, category and search pages (GET)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from oscar.apps.search.forms import *  # noqa: F403

from identify.models import Difficulty, Light

from .selectors import PRICE_BANDS, SORTS, ProductFilters, price_band_bounds


class _OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Values are checked by ``pattern`` rather than a fixed list: pot sizes,
    categories and classes come from the data, and a stale link must filter
    to nothing rather than fail."""

    def __init__(self, *, coerce=str, **kwargs):
        self.coerce = coerce
        super().__init__(**kwargs)

    def valid_value(self, value):
        try:
            self.coerce(value)
        except (TypeError, ValueError):
            return False
        return len(str(value)) <= 64

    def clean(self, value):
        return tuple(self.coerce(v) for v in super().clean(value))


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = _OpenMultipleChoiceField(coerce=int, required=False)
    light = forms.MultipleChoiceField(choices=Light.choices, required=False)
    difficulty = forms.MultipleChoiceField(choices=Difficulty.choices, required=False)
    pet_safe = forms.BooleanField(label=_("Safe for cats and dogs"), required=False)
    pot_size = _OpenMultipleChoiceField(coerce=int, required=False)
    product_class = _OpenMultipleChoiceField(required=False)
    price = forms.ChoiceField(
        choices=[("", _("Any price"))] + [(k, label) for k, label, *_ in PRICE_BANDS],
        required=False,
    )
    min_price = forms.DecimalField(min_value=0, decimal_places=2, required=False)
    max_price = forms.DecimalField(min_value=0, decimal_places=2, required=False)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(
                _("The lowest price must not be above the highest.")
            )
        return data

    def to_filters(self, *, category_ids: tuple[int, ...] = ()) -> ProductFilters:
        """Filters from valid data; an invalid form filters by nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        low, high = data.get("min_price"), data.get("max_price")
        if data.get("price"):
            low, high = price_band_bounds(data["price"])
        return ProductFilters(
            query=(data.get("q") or "").strip(),
            category_ids=category_ids or tuple(data.get("category") or ()),
            lights=tuple(data.get("light") or ()),
            difficulties=tuple(data.get("difficulty") or ()),
            pet_safe=bool(data.get("pet_safe")),
            pot_sizes=tuple(data.get("pot_size") or ()),
            product_class_slugs=tuple(data.get("product_class") or ()),
            min_price=low,
            max_price=high,
            sort=data.get("sort") or "relevance",
        )
