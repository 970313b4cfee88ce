"""Scheduled publishing and redirects: the Wagtail features editors rely on."""

import datetime

from django.utils import timezone

from wagtail.contrib.redirects.models import Redirect

import pytest

from cms.tasks import scheduled_pages_publish

from .factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_scheduled_article_goes_live_when_due(client, article_index):
    article = ArticlePageFactory(parent=article_index, slug="later")
    article.unpublish()
    article.title = "Published on time"
    article.go_live_at = timezone.now() + datetime.timedelta(minutes=5)
    # Publishing with a future go-live time schedules the revision.
    revision = article.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None

    scheduled_pages_publish()
    assert client.get("/articles/later/").status_code == 404

    # Five minutes later (moved back in time rather than waited for):
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    scheduled_pages_publish()

    response = client.get("/articles/later/")
    assert response.status_code == 200
    assert "Published on time" in response.content.decode()


def test_editors_redirects_answer_old_addresses(client, article_index):
    article = ArticlePageFactory(parent=article_index, slug="new-home")
    Redirect.objects.create(old_path="/old-article", redirect_page=article)

    response = client.get("/old-article/")

    assert response.status_code == 301
    assert response["Location"].endswith("/articles/new-home/")
