import pytest

from .fake_services import fake_service_start


@pytest.fixture
def fake_api():
    """A fake Plant.id / Pl@ntNet on a free loopback port."""
    service, server = fake_service_start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _identify_settings(settings):
    """Local backend only, links resolved by small test resolvers."""
    settings.PLANTID_API_KEY = ""
    settings.PLANTNET_API_KEY = ""
    settings.IDENTIFY_CARE_GUIDE_URLS = "identify.tests.resolvers.care_guide_urls"
    settings.IDENTIFY_PRODUCT_SUMMARIES = "identify.tests.resolvers.product_summaries"
    settings.IDENTIFY_RATE_LIMIT_PER_HOUR = 100


@pytest.fixture(autouse=True)
def _private_result_cache(monkeypatch):
    """Each test gets its own result- and link-cache namespace in the shared
    cache, so a result or link remembered by another test (or run, with
    other resolvers) is never a cache hit here."""
    import uuid

    namespace = uuid.uuid4().hex[:12]
    monkeypatch.setattr(
        "identify.selectors.RESULT_CACHE_PREFIX", f"identify:result:{namespace}:"
    )
    monkeypatch.setattr(
        "identify.services.RAW_CACHE_PREFIX", f"identify:raw:{namespace}:"
    )
    monkeypatch.setattr(
        "identify.selectors.LINKS_CACHE_PREFIX", f"identify:links:{namespace}:"
    )
