from django.apps import AppConfig


class ShopConfig(AppConfig):
    """Project-level shop code; forked Oscar apps live in shop/<label>/."""

    name = "shop"
    label = "canopy_shop"
    verbose_name = "Shop"

    def ready(self):
        from oscar.apps.analytics import receivers as analytics
        from oscar.apps.catalogue.signals import product_viewed
        from oscar.apps.order.signals import order_placed

        from . import receivers

        # Replace Oscar's per-view and in-transaction analytics writes
        # (see shop/receivers.py for why).
        product_viewed.disconnect(analytics.receive_product_view)
        order_placed.disconnect(analytics.receive_order_placed)
        product_viewed.connect(
            receivers.product_view_count, dispatch_uid="shop_product_view_count"
        )
        order_placed.connect(
            receivers.order_placed_analytics, dispatch_uid="shop_order_placed_analytics"
        )
