from django.core.cache import cache

import pytest

from .factories import country_gb


@pytest.fixture
def gb(db):
    return country_gb()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Facet counts are cached per catalogue version; start every test clean.
    cache.clear()
