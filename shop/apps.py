from django.apps import AppConfig


class ShopConfig(AppConfig):
    """Project-level shop code; forked Oscar apps live in shop/<label>/."""

    name = "shop"
    label = "canopy_shop"
    verbose_name = "Shop"
