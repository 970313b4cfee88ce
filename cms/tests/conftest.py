from django.core.cache import caches

import pytest

from .factories import ArticleIndexPageFactory, CareGuideIndexPageFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Page cache and rendition cache start empty in every test."""
    for alias in ("default", "renditions"):
        caches[alias].clear()


@pytest.fixture
def article_index(home_page):
    return ArticleIndexPageFactory(parent=home_page)


@pytest.fixture
def guide_index(home_page):
    return CareGuideIndexPageFactory(parent=home_page)


@pytest.fixture
def superuser(db):
    from .factories import UserFactory

    return UserFactory(
        username="cms-admin", is_superuser=True, is_staff=True, password="pw-admin-1"
    )
