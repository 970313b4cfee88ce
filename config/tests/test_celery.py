import pytest

from config.tasks import heartbeat


@pytest.mark.celery_worker
def test_a_task_round_trips_through_redis_to_a_real_worker(celery_worker):
    result = heartbeat.delay()

    assert result.get(timeout=20) == "ok"
    assert result.successful()


def test_the_app_serialises_json_only():
    from config.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_reject_on_worker_lost is True


def test_every_beat_entry_names_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()

    unknown = {
        name: entry["task"]
        for name, entry in app.conf.beat_schedule.items()
        if entry["task"] not in app.tasks
    }
    assert unknown == {}
