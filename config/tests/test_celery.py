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
