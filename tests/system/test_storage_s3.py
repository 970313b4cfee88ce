"""Media and static files on S3 (django-storages) when AWS_* is set, against a
local S3-compatible server (moto in server mode, loopback only)."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.files.base import ContentFile

import pytest

from tests.support.fixtures import free_port

BUCKET = "canopy-test-media"
VENDOR_IGNORES = [
    f"--ignore={name}"
    for name in ("oscar", "admin", "wagtailadmin", "rest_framework", "django_tables2")
]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_env(s3_endpoint, monkeypatch):
    values = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's fixed test credentials
    )
    client.create_bucket(Bucket=BUCKET)
    return client, values


def _settings_under(env: dict[str, str], expression: str) -> str:
    """Evaluate an expression under production settings in a fresh process:
    the S3 switch happens where settings read the environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="shop.example.com",
        DATABASE_URL="sqlite:///unused.sqlite3",
    )
    script = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_aws_settings_switch_media_and_static_to_s3(s3_env):
    _client, env = s3_env

    backends = _settings_under(
        env,
        "settings.STORAGES['default']['BACKEND'], settings.STORAGES['staticfiles']['BACKEND']",
    )

    assert backends.split() == [
        "storages.backends.s3.S3Storage",
        "storages.backends.s3.S3ManifestStaticStorage",
    ]


def test_an_upload_lands_in_the_bucket(s3_env, settings):
    client, env = s3_env
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "location": "media",
                "bucket_name": BUCKET,
                "endpoint_url": env["AWS_S3_ENDPOINT_URL"],
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": False,
            },
        },
    }
    from django.core.files.storage import default_storage

    name = default_storage.save("uploads/leaf.txt", ContentFile(b"a leaf"))

    stored = client.get_object(Bucket=BUCKET, Key=f"media/{name}")
    assert stored["Body"].read() == b"a leaf"
    assert default_storage.url(name).startswith(
        f"{env['AWS_S3_ENDPOINT_URL']}/{BUCKET}/media/uploads/leaf"
    )
    # A second upload under the same name keeps the first (no overwrite).
    second = default_storage.save("uploads/leaf.txt", ContentFile(b"another leaf"))
    assert second != name


def test_collectstatic_uploads_hashed_files_and_a_manifest(s3_env):
    client, env = s3_env
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="shop.example.com",
        DATABASE_URL="sqlite:///unused.sqlite3",
    )

    result = subprocess.run(  # noqa: S603 - fixed argv
        # The vendor trees (~700 files) add minutes against a local S3
        # server and prove nothing the site's own files do not.
        [
            sys.executable,
            "manage.py",
            "collectstatic",
            "--noinput",
            "-v0",
            *VENDOR_IGNORES,
        ],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    keys = {
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=BUCKET, Prefix="static/"
        )
        for item in page.get("Contents", [])
    }
    assert "static/staticfiles.json" in keys
    assert "static/css/site.css" in keys
    assert any(
        key.startswith("static/css/site.") and key != "static/css/site.css"
        for key in keys
    )
