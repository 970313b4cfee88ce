"""Product page: everything it shows is fetched up front, in a fixed number
of queries (the species, images, stock, attributes, recommendations with
their prices, the latest reviews, the care guide)."""

from django.db.models import Count, Prefetch, Q

from oscar.apps.catalogue.views import *  # noqa: F403
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView
from oscar.core.loading import get_model

from shop.selectors import product_card_from

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
ProductReview = get_model("reviews", "ProductReview")
StockRecord = get_model("partner", "StockRecord")

REVIEWS_SHOWN = 5


class ProductDetailView(CoreProductDetailView):
    def get_queryset(self):
        return (
            Product.objects.select_related("product_class", "species", "parent")
            .annotate(
                approved_review_count=Count(
                    "reviews", filter=Q(reviews__status=ProductReview.APPROVED)
                )
            )
            .prefetch_related(
                Prefetch(
                    "images", queryset=ProductImage.objects.order_by("display_order")
                ),
                Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
                Prefetch(
                    "attribute_values",
                    queryset=ProductAttributeValue.objects.select_related("attribute"),
                ),
                Prefetch(
                    "primary_recommendations",
                    queryset=ProductRecommendation.objects.filter(
                        recommendation__is_public=True
                    )
                    .select_related(
                        "recommendation__product_class", "recommendation__species"
                    )
                    .order_by("-ranking", "pk"),
                ),
                Prefetch(
                    "primary_recommendations__recommendation__stockrecords",
                    queryset=StockRecord.objects.order_by("pk"),
                ),
                Prefetch(
                    "primary_recommendations__recommendation__images",
                    queryset=ProductImage.objects.order_by("display_order"),
                ),
            )
        )

    def get_alert_status(self):
        # The stock alert form is only shown when out of stock.
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        strategy = self.request.strategy
        context["card"] = product_card_from(product, strategy)
        context["recommendations"] = [
            (rec.recommendation, product_card_from(rec.recommendation, strategy))
            for rec in product.primary_recommendations.all()
        ]
        context["reviews"] = list(
            product.reviews.filter(status=ProductReview.APPROVED)
            .select_related("user")
            .order_by("-date_created")[:REVIEWS_SHOWN]
        )
        context["care_guide"] = self._care_guide(product)
        context["attributes"] = [
            value for value in product.attribute_values.all() if value.value is not None
        ]
        return context

    def _care_guide(self, product):
        """The species' live care guide, through the reverse relation the CMS
        adds (``species.care_guides``); None while there is none."""
        species = product.species
        guides = getattr(species, "care_guides", None) if species else None
        if guides is None:
            return None
        guide = guides.live().order_by("path").first()
        if guide is None:
            return None
        return {"title": guide.title, "url": guide.get_url(self.request)}
