from django.urls import path

import oscar.apps.checkout.apps as apps
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        self.stripe_pay_view = get_class("checkout.views", "StripePayView")
        self.stripe_webhook_view = get_class("checkout.views", "StripeWebhookView")

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls(
            [
                path(
                    "pay/<str:order_number>/",
                    self.stripe_pay_view.as_view(),
                    name="stripe-pay",
                ),
                path(
                    "stripe/webhook/",
                    self.stripe_webhook_view.as_view(),
                    name="stripe-webhook",
                ),
            ]
        )
        return urls
