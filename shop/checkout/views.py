"""Checkout: choose a payment method, then place the order *before* paying.

Oscar takes payment first and allocates stock afterwards without a check, so
a sold-out product can be paid for. Here the order is written and its stock
reserved in one transaction (``shop.order.utils.OrderCreator`` allocates
with a conditional update); only then does the payment method start. A
customer who loses the race for the last plant sees why, with the basket
exactly as it was; a payment that cannot start cancels the order and
releases its stock.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from oscar.apps.checkout import views as core_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.core.loading import get_model

from shop.exceptions import PaymentFailed, ShopError, WebhookSignatureInvalid
from shop.payments.registry import payment_method_get, payment_methods_enabled
from shop.payments.stripe import webhook_event_verify
from shop.services import (
    CANCELLED,
    PENDING,
    order_placed_record,
    order_status_change,
    stripe_event_process,
)

from .forms import PaymentMethodForm

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")

# Views Oscar's checkout app loads from this module but we do not change.
IndexView = core_views.IndexView
ShippingAddressView = core_views.ShippingAddressView
UserAddressUpdateView = core_views.UserAddressUpdateView
UserAddressDeleteView = core_views.UserAddressDeleteView
ShippingMethodView = core_views.ShippingMethodView
ThankYouView = core_views.ThankYouView


class PaymentMethodView(core_views.PaymentMethodView):
    template_name = "oscar/checkout/payment_method.html"

    def _form(self, data=None):
        return PaymentMethodForm(
            data,
            methods=payment_methods_enabled(),
            initial={"method": self.checkout_session.payment_method()},
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return redirect("checkout:preview")


class PaymentDetailsView(core_views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        # Nothing to enter here: card details are typed on Stripe's form
        # after the order is reserved.
        if not self.preview:
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def check_payment_data_is_captured(self, request):
        if payment_method_get(self.checkout_session.payment_method()) is None:
            raise FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose how you would like to pay."),
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payment_method"] = payment_method_get(
            self.checkout_session.payment_method()
        )
        return context

    def get_initial_order_status(self, basket):
        return PENDING

    def send_order_placed_email(self, order):
        # Sent by a Celery task after commit (shop.services.order_placed_record).
        return None

    def submit(
        self,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        payment_kwargs=None,
        order_kwargs=None,
        surcharges=None,
    ):
        method = payment_method_get(self.checkout_session.payment_method())
        if method is None:
            return redirect("checkout:payment-method")
        order_number = self.generate_order_number(basket)
        self.checkout_session.set_order_number(order_number)
        self.freeze_basket(basket)
        self.checkout_session.set_submitted_basket(basket)
        try:
            with transaction.atomic():
                order = self.place_order(
                    order_number=order_number,
                    user=user,
                    basket=basket,
                    shipping_address=shipping_address,
                    shipping_method=shipping_method,
                    shipping_charge=shipping_charge,
                    order_total=order_total,
                    billing_address=billing_address,
                    surcharges=surcharges,
                    **(order_kwargs or {}),
                )
                basket.submit()
        except ShopError as error:
            logger.info("Order %s not placed: %s", order_number, error)
            self.restore_frozen_basket()
            return self.render_preview(self.request, error=str(error))
        except IntegrityError as error:
            # The stock check constraint is the backstop; if anything ever
            # reaches it, the shopper still gets a clear answer.
            if "stockrecord_allocated_lte_in_stock" not in str(error):
                raise
            logger.error("Order %s hit the stock constraint", order_number)
            self.restore_frozen_basket()
            return self.render_preview(
                self.request,
                error=_(
                    "Sorry, part of your order sold out while you were checking "
                    "out. Your basket is unchanged."
                ),
            )

        try:
            start = method.start(order=order, request=self.request)
        except PaymentFailed as error:
            # Nothing was charged; give the stock back and the basket too.
            order_status_change(
                order_id=order.pk, new_status=CANCELLED, note=str(error)
            )
            self.restore_frozen_basket()
            return self.render_preview(self.request, error=str(error))

        order_placed_record(order=order)
        # Staff see how the customer means to pay on the order's page.
        reference = f" (reference {start.reference})" if start.reference else ""
        order.notes.create(
            message=f"Payment method: {method.name}{reference}.",
            note_type=OrderNote.SYSTEM,
        )
        if start.instructions:
            self.request.session["checkout_payment_instructions"] = str(
                start.instructions
            )
        response = self.handle_successful_order(order)
        if start.redirect_url:
            return redirect(start.redirect_url)
        return response


class StripePayView(TemplateView):
    """The card form for an order this browser just placed (its session holds
    the PaymentIntent's client secret; anyone else gets a 404)."""

    template_name = "oscar/checkout/stripe_pay.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = kwargs["order_number"]
        client_secret = self.request.session.get(f"stripe_client_secret_{number}")
        order = Order.objects.filter(number=number).first()
        if client_secret is None or order is None:
            raise Http404
        context.update(
            order=order,
            client_secret=client_secret,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            return_url=self.request.build_absolute_uri(reverse("checkout:thank-you")),
        )
        return context


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe calls this; the signature, not a CSRF token, proves the sender."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise Http404
        try:
            event = webhook_event_verify(
                payload=request.body,
                signature_header=request.headers.get("Stripe-Signature", ""),
                secret=settings.STRIPE_WEBHOOK_SECRET,
            )
        except WebhookSignatureInvalid as error:
            return JsonResponse(
                {"error": {"code": "bad_signature", "detail": str(error)}}, status=400
            )
        outcome = stripe_event_process(event=event)
        return JsonResponse({"received": True, "outcome": outcome})
