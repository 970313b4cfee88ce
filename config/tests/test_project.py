import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

import pytest

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 20
    + "-production-secret-for-the-deploy-check-"
    + "y" * 20,
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE, set while a browser test runs, is an error
    # under check --deploy and not part of the environment being checked.
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full_env.update(env)
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        (
            {
                "DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789"
            },
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(override, message):
    result = _manage("check", **{**PRODUCTION_ENV, **override})

    assert result.returncode != 0
    assert message in result.stderr


def test_demo_loader_refuses_with_debug_off():
    result = _manage("load_demo", DJANGO_SETTINGS_MODULE="config.settings.test")

    assert result.returncode != 0
    assert "DEBUG is off" in result.stderr
