"""Order emails: rendered from templates (text + HTML), sent once each.

A ``CommunicationEvent`` per order and email kind is the record that an
email went out, so a retried or duplicated task does not send it twice, and
staff see it on the order's page in the dashboard.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from oscar.core.loading import get_model

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
CommunicationEvent = get_model("order", "CommunicationEvent")
Partner = get_model("partner", "Partner")

SUBJECTS = {
    "placed": "Your Canopy order {number} is confirmed",
    "paid": "Payment received for order {number}",
    "shipped": "Order {number} is on its way",
    "delivered": "Order {number} has been delivered",
    "cancelled": "Order {number} has been cancelled",
}
SELLER_SUBJECT = "New order {number} with your products"


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def order_status_url(order: Order) -> str:
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    return _site_url() + path


def order_email_render(*, order: Order, kind: str) -> EmailMultiAlternatives:
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "kind": kind,
        "status_url": order_status_url(order),
        "site_url": _site_url(),
        "shop_name": settings.OSCAR_SHOP_NAME,
    }
    subject = SUBJECTS[kind].format(number=order.number)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("shop/emails/order.txt", context),
        from_email=settings.OSCAR_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string("shop/emails/order.html", context), "text/html"
    )
    return message


def seller_email_render(*, order: Order, partner: Partner, recipients: list[str]):
    lines = [line for line in order.lines.all() if line.partner_id == partner.pk]
    context = {
        "order": order,
        "partner": partner,
        "lines": lines,
        "dashboard_url": _site_url()
        + reverse("dashboard:order-detail", kwargs={"number": order.number}),
        "shop_name": settings.OSCAR_SHOP_NAME,
    }
    message = EmailMultiAlternatives(
        subject=SELLER_SUBJECT.format(number=order.number),
        body=render_to_string("shop/emails/seller_order.txt", context),
        from_email=settings.OSCAR_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("shop/emails/seller_order.html", context), "text/html"
    )
    return message


def _send_once(*, order: Order, code: str, name: str, build) -> bool:
    event_type, _ = CommunicationEventType.objects.get_or_create(
        code=code,
        defaults={"name": name, "category": CommunicationEventType.ORDER_RELATED},
    )
    with transaction.atomic():
        # Lock the order so two deliveries of the same task cannot both send.
        Order.objects.select_for_update().filter(pk=order.pk).first()
        if CommunicationEvent.objects.filter(
            order=order, event_type=event_type
        ).exists():
            return False
        message = build()
        if not message.to:
            return False
        message.send()
        CommunicationEvent.objects.create(order=order, event_type=event_type)
    return True


def order_email_deliver(*, order_id: int, kind: str) -> bool:
    """Send the customer's email for ``kind``; False if already sent."""
    order = Order.objects.select_related("user").get(pk=order_id)
    return _send_once(
        order=order,
        code=f"ORDER_{kind.upper()}",
        name=f"Order {kind}",
        build=lambda: order_email_render(order=order, kind=kind),
    )


def order_seller_emails_deliver(*, order_id: int) -> int:
    """Email each partner whose products are on the order; returns how many."""
    order = Order.objects.get(pk=order_id)
    partner_ids = set(order.lines.values_list("partner_id", flat=True)) - {None}
    sent = 0
    for partner in Partner.objects.filter(pk__in=partner_ids).prefetch_related("users"):
        recipients = [user.email for user in partner.users.all() if user.email]
        if not recipients:
            continue
        if _send_once(
            order=order,
            code=f"SELLER_ORDER_{partner.pk}",
            name=f"New order for {partner.name}",
            build=lambda partner=partner, recipients=recipients: seller_email_render(
                order=order, partner=partner, recipients=recipients
            ),
        ):
            sent += 1
    return sent
