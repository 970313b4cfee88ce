"""Celery adapters for the CMS."""

from django.core.management import call_command

from celery import shared_task


@shared_task(
    name="cms.tasks.scheduled_pages_publish",
    soft_time_limit=50,
    time_limit=60,
    ignore_result=True,
)
def scheduled_pages_publish() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones.

    Wagtail's own command; idempotent (it only acts on due revisions), and
    each publish purges the page cache through the usual signals. Beat runs it
    every minute (config/celery.py).
    """
    call_command("publish_scheduled")
