"""Replica routing: only reads that cannot see their own writes go there."""

from django.test import RequestFactory

import pytest

from config.db_routers import (
    ReplicaRequestMiddleware,
    ReplicaRouter,
    replica_allowed_for,
    replica_reads_allowed,
)

factory = RequestFactory()
# The router only reads the aliases' names; no connection to "replica" opens.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.mark.parametrize(
    ("method", "path", "cookies", "allowed"),
    [
        ("GET", "/", {}, True),
        ("GET", "/guides/monstera/", {}, True),
        ("GET", "/shop/catalogue/", {}, True),
        ("HEAD", "/articles/", {}, True),
        ("POST", "/", {}, False),
        ("GET", "/", {"sessionid": "abc"}, False),
        ("GET", "/shop/catalogue/", {"oscar_open_basket": "1:abc"}, False),
        ("GET", "/shop/checkout/", {}, False),
        ("GET", "/shop/basket/", {}, False),
        ("GET", "/shop/accounts/login/", {}, False),
        ("GET", "/admin/", {}, False),
        ("GET", "/api/identify/0b6d7f1e-4a39-4b8e-9d0e-0c7f1f1a2b3c/", {}, False),
        ("GET", "/readyz", {}, False),
    ],
)
def test_which_requests_may_read_from_the_replica(method, path, cookies, allowed):
    request = factory.generic(method, path)
    request.COOKIES.update(cookies)

    assert replica_allowed_for(request) is allowed


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {}}


def test_reads_go_to_the_replica_only_inside_an_allowed_request(with_replica):
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        return None

    ReplicaRequestMiddleware(view)(factory.get("/"))
    ReplicaRequestMiddleware(view)(factory.post("/"))

    assert seen == ["replica", "default"]
    assert router.db_for_read(None) == "default"


def test_without_a_replica_everything_reads_the_primary(settings):
    token = replica_reads_allowed.set(True)
    try:
        assert ReplicaRouter().db_for_read(None) == "default"
    finally:
        replica_reads_allowed.reset(token)


def test_writes_and_migrations_always_use_the_primary(with_replica):
    router = ReplicaRouter()
    token = replica_reads_allowed.set(True)
    try:
        assert router.db_for_write(None) == "default"
    finally:
        replica_reads_allowed.reset(token)
    assert router.allow_migrate("default", "catalogue") is True
    assert router.allow_migrate("replica", "catalogue") is False
