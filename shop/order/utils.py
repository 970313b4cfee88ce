"""Order placement that cannot oversell and keeps offer limits under load.

Oscar's ``OrderCreator`` allocates stock with an unconditional
``num_allocated + qty`` and counts offer usage in Python (read, add, save),
so concurrent checkouts oversell and lose counter updates. Both writes here
are single conditional UPDATEs inside the order transaction: the row lock
serialises competitors, the WHERE clause re-checks against the committed
value, and a loser raises, which rolls the whole order back.
"""

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce

from oscar.apps.order.utils import *  # noqa: F403
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.core.loading import get_model

from shop.exceptions import OfferExhausted
from shop.services import stock_allocate

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")


class OrderCreator(CoreOrderCreator):
    def update_stock_records(self, line):
        """Reserve the line's quantity or raise ``OutOfStock``."""
        if not line.product.get_product_class().track_stock:
            return
        stock_allocate(
            stockrecord_id=line.stockrecord_id,
            product_id=line.product_id,
            quantity=line.quantity,
            title=line.product.get_title(),
        )

    def record_discount(self, discount):
        offer = discount["offer"]
        frequency = discount["freq"]
        offers = ConditionalOffer.objects.filter(pk=offer.pk)
        if offer.max_global_applications:
            limit = offer.max_global_applications
            offers = offers.filter(num_applications__lte=limit - frequency)
            status = Case(
                When(
                    Q(num_applications__gte=limit - frequency),
                    then=Value(ConditionalOffer.CONSUMED),
                ),
                default=F("status"),
            )
        else:
            status = F("status")
        updated = offers.update(
            num_applications=F("num_applications") + frequency,
            total_discount=F("total_discount") + discount["discount"],
            num_orders=F("num_orders") + 1,
            status=status,
        )
        if not updated:
            raise OfferExhausted(offer.name)
        if discount.get("voucher"):
            Voucher.objects.filter(pk=discount["voucher"].pk).update(
                total_discount=F("total_discount") + discount["discount"]
            )

    def create_line_discount_models(self, order, order_line, basket_line):
        # Oscar looks the order's discount up again for every line.
        cache = order.__dict__.setdefault("_discounts_by_offer", {})
        for discount in basket_line.discounts:
            if not discount.offer:
                continue
            offer_id = discount.offer.id
            if offer_id not in cache:
                cache[offer_id] = order.discounts.filter(offer_id=offer_id).first()
            if cache[offer_id]:
                order_line.discounts.create(
                    order_discount=cache[offer_id],
                    is_incl_tax=discount.incl_tax,
                    amount=discount.amount,
                )

    def record_voucher_usage(self, order, voucher, user):
        voucher.applications.create(
            voucher=voucher, order=order, user=user if user.is_authenticated else None
        )
        Voucher.objects.filter(pk=voucher.pk).update(
            num_orders=Coalesce(F("num_orders"), 0) + 1
        )
