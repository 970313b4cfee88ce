"""/metrics: guarded, labelled by view, lists the apps' own metrics."""

from django.contrib.auth import get_user_model

import pytest

from config import metrics

TOKEN = "scrape-token-for-tests"  # noqa: S105 - a test value


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_for_credentials(client, token):
    response = client.get("/metrics")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"canopy_http" not in response.content


@pytest.mark.django_db
def test_a_wrong_token_is_refused(client, token):
    response = client.get("/metrics", headers={"Authorization": "Bearer wrong"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_without_a_configured_token_no_token_gets_in(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 403


@pytest.mark.django_db
def test_signed_in_customers_are_refused(client, token):
    user = get_user_model().objects.create_user("cass", "cass@example.com", "pw")
    client.force_login(user)

    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_staff_may_look_with_their_session(client, token):
    user = get_user_model().objects.create_user(
        "ada", "ada@example.com", "pw", is_staff=True
    )
    client.force_login(user)

    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_request_latency_is_recorded_per_view_name(client, token):
    client.get("/healthz")

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'canopy_http_request_duration_seconds_count{method="GET",status="2xx",view="healthz"}'
        in text
    )
    # Paths never become labels: one series per view, not per URL.
    assert 'view="/healthz"' not in text


@pytest.mark.django_db
def test_unresolved_paths_share_one_label(client, token):
    client.get("/no/such/page/at/all/")

    text = client.get(
        "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    ).content.decode()

    assert "/no/such/page" not in text


def test_app_metric_modules_that_are_missing_are_skipped(monkeypatch):
    monkeypatch.setattr(
        metrics, "APP_METRIC_MODULES", ("config.request_context", "nonexistent.metrics")
    )

    assert metrics.app_metrics_import() == ["config.request_context"]


def test_a_broken_app_metric_module_is_an_error(monkeypatch, tmp_path):
    broken = tmp_path / "broken_metrics_pkg"
    broken.mkdir()
    (broken / "__init__.py").write_text("")
    (broken / "metrics.py").write_text("import not_a_real_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(metrics, "APP_METRIC_MODULES", ("broken_metrics_pkg.metrics",))

    with pytest.raises(ModuleNotFoundError):
        metrics.app_metrics_import()
