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
        self._facets_invalidation_connect(receivers.catalogue_changed)

    def _facets_invalidation_connect(self, handler) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from oscar.core.loading import get_model

        models = [
            get_model("catalogue", "Product"),
            get_model("catalogue", "ProductCategory"),
            get_model("catalogue", "Category"),
            get_model("catalogue", "ProductAttributeValue"),
            get_model("catalogue", "ProductClass"),
            get_model("partner", "StockRecord"),
            get_model("identify", "Species"),
        ]
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    handler, sender=model, dispatch_uid=f"shop_facets_{model.__name__}"
                )
        m2m_changed.connect(
            handler,
            sender=models[0].categories.through,
            dispatch_uid="shop_facets_product_categories",
        )
