"""Write-side of the shop: stock, order status, notifications.

Every function is keyword-only and runs in one transaction; emails and
metrics are queued with ``transaction.on_commit`` so nothing is announced
for an order that rolled back.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Least

from oscar.core.loading import get_model

from shop.exceptions import InvalidStatusChange, OutOfStock
from shop.signals import stock_levels_changed

logger = logging.getLogger(__name__)

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

PENDING, PAID, SHIPPED, DELIVERED, CANCELLED = (
    "Pending",
    "Paid",
    "Shipped",
    "Delivered",
    "Cancelled",
)
# Statuses after which stock has left the building (allocation consumed).
STOCK_CONSUMED = {SHIPPED, DELIVERED}


def _stock_levels_changed(product_id: int | None) -> None:
    if product_id is not None:  # an order line whose product was deleted
        stock_levels_changed.send(sender=StockRecord, product_ids=[product_id])


def stock_allocate(
    *, stockrecord_id: int, product_id: int | None, quantity: int, title: str
) -> None:
    """Reserve ``quantity`` units or raise ``OutOfStock``.

    One conditional UPDATE: PostgreSQL locks the row, and a competitor that
    waited re-evaluates the WHERE clause against the committed row, so two
    checkouts can never both take the last unit. Call inside the order
    transaction so a later failure releases the reservation.
    """
    allocated = Coalesce(F("num_allocated"), 0)
    updated = StockRecord.objects.filter(
        pk=stockrecord_id, num_in_stock__gte=allocated + quantity
    ).update(num_allocated=allocated + quantity)
    if not updated:
        record = StockRecord.objects.filter(pk=stockrecord_id).first()
        available = record.net_stock_level if record else 0
        raise OutOfStock(title, quantity, available)
    _stock_levels_changed(product_id)


def stock_release(
    *, stockrecord_id: int, product_id: int | None, quantity: int
) -> None:
    allocated = Coalesce(F("num_allocated"), 0)
    StockRecord.objects.filter(pk=stockrecord_id).update(
        num_allocated=allocated - Least(allocated, quantity)
    )
    _stock_levels_changed(product_id)


def stock_consume(
    *, stockrecord_id: int, product_id: int | None, quantity: int
) -> None:
    """Goods shipped: the reservation becomes a stock decrement."""
    allocated = Coalesce(F("num_allocated"), 0)
    taken = Least(allocated, quantity)
    StockRecord.objects.filter(pk=stockrecord_id).update(
        num_allocated=allocated - taken,
        num_in_stock=Coalesce(F("num_in_stock"), 0) - taken,
    )
    _stock_levels_changed(product_id)


def order_notifications_queue(*, order: Order, kind: str) -> None:
    """Queue the customer's email (and sellers' for new orders) after commit."""
    from shop import tasks  # tasks import services; keep the cycle lazy

    order_id = order.pk
    transaction.on_commit(
        lambda: tasks.order_email_send.apply_async(args=[order_id, kind], queue="email")
    )
    if kind == "placed":
        transaction.on_commit(
            lambda: tasks.order_seller_emails_send.apply_async(
                args=[order_id], queue="email"
            )
        )


def order_placed_record(*, order: Order) -> None:
    """Side effects of a newly placed order, each after commit."""
    from shop.metrics import orders_placed_total

    order_notifications_queue(order=order, kind="placed")
    transaction.on_commit(orders_placed_total.inc)


def order_status_change(
    *, order_id: int, new_status: str, user=None, note: str = ""
) -> Order:
    """Move an order along the pipeline and keep stock in step.

    pending -> paid -> shipped -> delivered, or -> cancelled from pending or
    paid (the reservation is released). Shipping consumes the reservation.
    The order row is locked so a webhook and a member of staff cannot both
    move the same order.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        old_status = order.status
        if new_status == old_status:
            return order
        if new_status not in order.available_statuses():
            raise InvalidStatusChange(
                f"Order {order.number} cannot go from {old_status} to {new_status}."
            )
        lines = list(order.lines.select_related("product__product_class"))
        for line in lines:
            if line.stockrecord_id is None or not _tracks_stock(line):
                continue
            if new_status == CANCELLED and old_status not in STOCK_CONSUMED:
                stock_release(
                    stockrecord_id=line.stockrecord_id,
                    product_id=line.product_id,
                    quantity=line.quantity,
                )
            elif new_status in STOCK_CONSUMED and old_status not in STOCK_CONSUMED:
                stock_consume(
                    stockrecord_id=line.stockrecord_id,
                    product_id=line.product_id,
                    quantity=line.quantity,
                )
        order.set_status(new_status)
        message = f"Status changed from {old_status} to {new_status}."
        if note:
            message = f"{message} {note}"
        order.notes.create(
            user=user if user is not None and user.is_authenticated else None,
            message=message,
            note_type=OrderNote.SYSTEM,
        )
        order_notifications_queue(order=order, kind=new_status.lower())
    return order


def _tracks_stock(line) -> bool:
    product = line.product
    return product is None or product.get_product_class().track_stock


def order_mark_paid(*, order_id: int, reference: str, amount, source_name: str) -> bool:
    """Record a confirmed payment; idempotent on ``reference``.

    Returns False when this payment was already recorded (a replayed webhook).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.sources.filter(reference=reference).exists():
            return False
        source_type, _ = SourceType.objects.get_or_create(
            code=source_name.lower().replace(" ", "-"), defaults={"name": source_name}
        )
        Source.objects.create(
            order=order,
            source_type=source_type,
            currency=order.currency,
            amount_allocated=amount,
            amount_debited=amount,
            reference=reference,
        )
        if order.status == PENDING:
            order_status_change(order_id=order.pk, new_status=PAID)
    return True


def order_initial_status() -> str:
    return getattr(settings, "OSCAR_INITIAL_ORDER_STATUS", PENDING)


def stripe_event_process(*, event: dict) -> str:
    """Apply a verified Stripe event once; returns what happened.

    The event row and the order change commit together: a crash between them
    leaves neither, and Stripe's retry then does the work.
    """
    from shop.models import PaymentWebhookEvent
    from shop.payments.stripe import amount_from_minor

    intent = (event.get("data") or {}).get("object") or {}
    order_number = (intent.get("metadata") or {}).get("order_number", "")
    try:
        with transaction.atomic():
            PaymentWebhookEvent.objects.create(
                provider="stripe",
                event_id=event["id"],
                event_type=event["type"],
                order_number=order_number,
            )
            order = Order.objects.filter(number=order_number).first()
            if order is None:
                return "ignored"
            if event["type"] == "payment_intent.succeeded":
                amount = amount_from_minor(
                    int(intent.get("amount_received") or intent.get("amount") or 0),
                    intent.get("currency", order.currency),
                )
                if amount != order.total_incl_tax:
                    logger.error(
                        "Stripe paid %s for order %s totalling %s",
                        amount,
                        order.number,
                        order.total_incl_tax,
                    )
                    return "amount_mismatch"
                order_mark_paid(
                    order_id=order.pk,
                    reference=intent.get("id", ""),
                    amount=amount,
                    source_name="Stripe",
                )
                return "paid"
            if event["type"] in {
                "payment_intent.payment_failed",
                "payment_intent.canceled",
            }:
                if order.status == PENDING:
                    order_status_change(
                        order_id=order.pk,
                        new_status=CANCELLED,
                        note="The card payment failed or was abandoned.",
                    )
                    return "cancelled"
                return "ignored"
            return "ignored"
    except IntegrityError:
        return "duplicate"


def product_views_add(*, counts: dict[int, int]) -> int:
    """Add batched page views to Oscar's ProductRecord (one UPDATE each)."""
    product_record = get_model("analytics", "ProductRecord")
    product_ids = set(
        get_model("catalogue", "Product")
        .objects.filter(pk__in=counts)
        .values_list("pk", flat=True)
    )
    for product_id, count in counts.items():
        if product_id not in product_ids:
            continue
        updated = product_record.objects.filter(product_id=product_id).update(
            num_views=F("num_views") + count
        )
        if updated:
            continue
        try:
            with transaction.atomic():
                product_record.objects.create(product_id=product_id, num_views=count)
        except IntegrityError:
            product_record.objects.filter(product_id=product_id).update(
                num_views=F("num_views") + count
            )
    return len(product_ids)


CARD_NOTE = re.compile(r"^Payment method: Card \(reference (pi_[A-Za-z0-9_]+)\)\.$")


def card_orders_abandoned_cancel(*, older_than_minutes: int = 60) -> int:
    """Cancel card orders never paid (their stock is reserved meanwhile).

    Stripe's intent is cancelled first; if Stripe refuses (the customer paid
    after all), the order is left for the webhook to mark paid. Meant for a
    periodic task; returns how many orders were cancelled.
    """
    from datetime import timedelta

    from django.utils import timezone

    from shop.exceptions import PaymentFailed
    from shop.payments.stripe import stripe_client

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    notes = OrderNote.objects.filter(
        order__status=PENDING,
        order__date_placed__lt=cutoff,
        order__sources__isnull=True,
        message__startswith="Payment method: Card (reference ",
    ).select_related("order")
    cancelled = 0
    for note in notes:
        match = CARD_NOTE.match(note.message)
        if match is None:
            continue
        try:
            stripe_client().payment_intent_cancel(intent_id=match.group(1))
        except PaymentFailed:
            logger.warning(
                "Stripe refused to cancel %s; leaving order %s",
                match.group(1),
                note.order.number,
            )
            continue
        order_status_change(
            order_id=note.order_id,
            new_status=CANCELLED,
            note="Card payment not completed in time.",
        )
        cancelled += 1
    return cancelled
