from celery import shared_task


@shared_task(name="config.tasks.heartbeat", soft_time_limit=5, time_limit=10)
def heartbeat() -> str:
    """A no-op that proves the broker -> worker -> result path works."""
    return "ok"
