"""The Celery app. Beat schedules are declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

# Request ids ride along in task headers (signals connect on import).
from . import observability  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("canopy")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Keep Django's LOGGING (JSON lines with the request id) in workers too;
# Celery would otherwise replace the root handlers with its own format.
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Keeps the broker/worker path honest; readyz and the drill read its result.
    "canopy-heartbeat": {
        "task": "config.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # Uploaded plant photos are personal data: delete originals past retention.
    "identify-purge-originals": {
        "task": "identify.tasks.identification_originals_purge",
        "schedule": crontab(hour=3, minute=17),
    },
    # Wagtail's scheduled publishing has no clock of its own: editors expect a
    # page set to go live at 09:00 to be live by 09:01.
    "cms-publish-scheduled-pages": {
        "task": "cms.tasks.scheduled_pages_publish",
        "schedule": crontab(),
    },
    # Card orders reserve stock before payment; unpaid ones must give it back.
    "shop-cancel-abandoned-card-orders": {
        "task": "shop.tasks.card_orders_abandoned_cancel",
        "schedule": crontab(minute="*/15"),
    },
}
