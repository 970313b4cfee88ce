"""Chooser blocks over models that other apps own."""

from django.utils.functional import cached_property

from wagtail import blocks


class ProductChooserBlock(blocks.ChooserBlock):
    """An Oscar product, stored and handed to templates as its id.

    The page loads every product it shows in one batch, priced for the
    visitor (``product_cards`` in the page context), so the block itself never
    queries while rendering.
    """

    target_model = "catalogue.Product"

    @cached_property
    def widget(self):
        from cms.choosers import product_chooser_viewset

        return product_chooser_viewset.widget_class()

    def to_python(self, value):
        if value in (None, ""):
            return None
        return int(getattr(value, "pk", value))

    def bulk_to_python(self, values):
        return [self.to_python(value) for value in values]

    def get_prep_value(self, value):
        return self.to_python(value)

    def value_from_form(self, value):
        return self.to_python(value)

    def clean(self, value):
        # Validates through ModelChoiceField (the product must exist), then
        # keeps only the id.
        return self.to_python(super().clean(value))

    def extract_references(self, value):
        if value is not None:
            yield self.model_class, str(value), "", ""

    def get_api_representation(self, value, context=None):
        return value

    class Meta:
        icon = "tag"


class SpeciesChooserBlock(blocks.ChooserBlock):
    target_model = "identify.Species"

    @cached_property
    def widget(self):
        from cms.choosers import species_chooser_viewset

        return species_chooser_viewset.widget_class()

    def get_api_representation(self, value, context=None):
        return value.pk if value is not None else None

    class Meta:
        icon = "pick"


class RoomChooserBlock(blocks.ChooserBlock):
    """A community chat room (community.Room: slug, title)."""

    target_model = "community.Room"

    @cached_property
    def widget(self):
        from cms.choosers import room_chooser_viewset

        return room_chooser_viewset.widget_class()

    def get_api_representation(self, value, context=None):
        return getattr(value, "slug", None)

    class Meta:
        icon = "group"
