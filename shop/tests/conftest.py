import pytest

from .factories import country_gb


@pytest.fixture
def gb(db):
    return country_gb()
