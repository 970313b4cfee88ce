"""Celery adapters for shop emails (queue "email"); ids in, service call out.

Queued with ``transaction.on_commit`` by ``shop.services``. Each task is
idempotent (the email service records what it sent), retries only
transport errors with backoff, and has hard time limits.
"""

from smtplib import SMTPException

from celery import shared_task

from shop.emails import order_email_deliver, order_seller_emails_deliver

RETRYABLE = (SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="shop.tasks.order_email_send",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    soft_time_limit=30,
    time_limit=60,
)
def order_email_send(order_id: int, kind: str) -> bool:
    return order_email_deliver(order_id=order_id, kind=kind)


@shared_task(
    name="shop.tasks.order_seller_emails_send",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    soft_time_limit=60,
    time_limit=120,
)
def order_seller_emails_send(order_id: int) -> int:
    return order_seller_emails_deliver(order_id=order_id)


@shared_task(
    name="shop.tasks.product_views_record",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=30,
    time_limit=60,
)
def product_views_record(counts: dict[str, int]) -> int:
    """Add a batch of product page views to the analytics counters."""
    from shop.services import product_views_add

    return product_views_add(counts={int(pk): n for pk, n in counts.items()})


@shared_task(
    name="shop.tasks.card_orders_abandoned_cancel",
    soft_time_limit=120,
    time_limit=180,
)
def card_orders_abandoned_cancel(older_than_minutes: int = 60) -> int:
    """Periodic: give back the stock of card orders nobody paid for."""
    from shop.services import card_orders_abandoned_cancel as cancel

    return cancel(older_than_minutes=older_than_minutes)
