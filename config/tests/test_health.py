from django.core.cache import cache

import pytest

from config import health


@pytest.mark.django_db
def test_healthz_answers_without_touching_services(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_every_service_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}


@pytest.mark.django_db
def test_readyz_names_the_failing_service_with_503(client, monkeypatch):
    def broken_cache() -> None:
        raise ConnectionError("cache is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert "cache is down" in body["checks"]["cache"]


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_reports_redis_down_when_it_is_unreachable(
    client, settings, monkeypatch
):
    dead = "redis://127.0.0.1:1/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": dead, "socket_timeout": None}]},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "channel_layer" in response.json()["failed"]
    cache.clear()
