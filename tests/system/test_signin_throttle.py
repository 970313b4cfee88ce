"""Sign-in throttling (django-axes), on in production: a username and address
pair is locked after AXES_FAILURE_LIMIT failures, on both sign-in forms."""

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model

import pytest

PASSWORD = "a-long-correct-password"  # noqa: S105 - test value


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_CLIENT_IP_CALLABLE = "config.signin_throttle.client_ip_address"
    settings.AXES_USERNAME_CALLABLE = "config.signin_throttle.signin_username"
    settings.TRUST_X_REAL_IP = True
    return settings


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("cass", "cass@example.com", PASSWORD)


def _shop_login(client, password, address="203.0.113.5"):
    return client.post(
        "/shop/accounts/login/",
        {
            "login-username": "cass@example.com",
            "login-password": password,
            "login_submit": "1",
        },
        headers={"X-Real-IP": address},
    )


def test_production_turns_axes_on_with_proxy_aware_identity():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="shop.example.com",
        DATABASE_URL="sqlite:///unused.sqlite3",
    )
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_ENABLED, s.AXES_CLIENT_IP_CALLABLE, s.AXES_USERNAME_CALLABLE)"
    )

    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "config.signin_throttle.client_ip_address",
        "config.signin_throttle.signin_username",
    ]


@pytest.mark.django_db
def test_the_shop_sign_in_locks_after_the_failure_limit(client, axes_on, customer):
    for _ in range(2):
        assert _shop_login(client, "wrong").status_code == 200  # form with errors
    # The attempt that reaches the limit is already refused.
    assert _shop_login(client, "wrong").status_code == 429

    locked = _shop_login(client, PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_is_per_address_so_others_can_still_sign_in(client, axes_on, customer):
    for _ in range(3):
        _shop_login(client, "wrong", address="203.0.113.5")

    response = _shop_login(client, PASSWORD, address="198.51.100.7")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.pk)


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, axes_on, customer):
    for _ in range(2):
        _shop_login(client, "wrong")
    assert _shop_login(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(2):
        _shop_login(client, "wrong")

    assert _shop_login(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_wagtail_admin_sign_in_is_throttled_too(client, axes_on, customer):
    for _ in range(3):
        client.post(
            "/admin/login/",
            {"username": "cass", "password": "wrong"},
            headers={"X-Real-IP": "203.0.113.9"},
        )

    response = client.post(
        "/admin/login/",
        {"username": "cass", "password": PASSWORD},
        headers={"X-Real-IP": "203.0.113.9"},
    )

    assert response.status_code == 429


def test_x_real_ip_is_trusted_only_behind_the_proxy(rf, settings):
    from config.signin_throttle import client_ip_address

    request = rf.get("/", headers={"X-Real-IP": "203.0.113.5"})
    settings.TRUST_X_REAL_IP = False
    assert client_ip_address(request) == "127.0.0.1"
    settings.TRUST_X_REAL_IP = True
    assert client_ip_address(request) == "203.0.113.5"


@pytest.mark.django_db
def test_both_forms_count_against_the_same_account(client, axes_on, customer):
    _shop_login(client, "wrong", address="203.0.113.20")
    client.post(
        "/admin/login/",
        {"username": "cass", "password": "wrong"},
        headers={"X-Real-IP": "203.0.113.20"},
    )

    assert _shop_login(client, "wrong", address="203.0.113.20").status_code == 429
