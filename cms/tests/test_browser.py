"""A real browser through the whole editorial flow: an editor writes an article
with a product grid and submits it, a publisher approves it, a visitor sees it
with live prices."""

from django.contrib.auth.models import Group

import pytest

from cms.models import ArticlePage
from cms.services import EDITORS, PUBLISHERS, editorial_workflow_ensure

from .factories import ArticleIndexPageFactory, PlantProductFactory, UserFactory

PASSWORD = "leafy-green-42"


def _sign_in(browser_context, base_url: str, username: str):
    page = browser_context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


@pytest.mark.browser
def test_editor_writes_publisher_approves_visitor_sees_live_prices(
    browser_instance, asgi_server, transactional_db, home_page
):
    editorial_workflow_ensure()
    index = ArticleIndexPageFactory(parent=home_page)
    editor = UserFactory(username="eden", password=PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS))
    publisher = UserFactory(username="piper", password=PASSWORD)
    publisher.groups.add(Group.objects.get(name=PUBLISHERS))
    PlantProductFactory(title="Rubber plant, 17 cm pot", stock__price="24.00")
    PlantProductFactory(title="Rubber plant, sold out", stock=0)

    # The editor drafts the article with a product grid and submits it.
    editor_context = browser_instance.new_context(
        viewport={"width": 1280, "height": 900}
    )
    editor_context.set_default_timeout(20_000)
    page = _sign_in(editor_context, asgi_server, "eden")
    page.goto(f"{asgi_server}/admin/pages/add/cms/articlepage/{index.pk}/")
    page.fill("#id_title", "Plants for a dark hallway")
    page.fill("#id_intro", "Three tough plants.")
    page.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Product grid").click()
    page.locator("input[name='body-0-value-heading']").fill("Shop the hallway")
    page.get_by_role("button", name="Choose a product").first.click()
    page.locator(".modal-dialog input[name=q]").fill("17 cm")
    choice = page.locator(".modal-dialog a[data-chooser-modal-choice]")
    # The search box filters Oscar's products (a non-indexed model).
    choice.filter(has_text="Rubber plant, sold out").wait_for(state="detached")
    choice.filter(has_text="Rubber plant, 17 cm pot").click()
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Editorial review").click()
    page.get_by_text("submitted for moderation").wait_for()
    editor_context.close()

    article = ArticlePage.objects.get(title="Plants for a dark hallway")
    assert not article.live
    assert article.current_workflow_state.status == "in_progress"

    # The publisher approves it.
    publisher_context = browser_instance.new_context(
        viewport={"width": 1280, "height": 900}
    )
    publisher_context.set_default_timeout(20_000)
    page = _sign_in(publisher_context, asgi_server, "piper")
    page.goto(f"{asgi_server}/admin/pages/{article.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_url(f"{asgi_server}/admin/**")
    publisher_context.close()

    article.refresh_from_db()
    assert article.live

    # A visitor reads it, priced live by Oscar's strategy.
    visitor_context = browser_instance.new_context()
    page = visitor_context.new_page()
    page.goto(f"{asgi_server}/articles/{article.slug}/")
    grid = page.locator("section", has_text="Shop the hallway")
    assert page.get_by_role("heading", name="Plants for a dark hallway").is_visible()
    assert grid.get_by_role("link", name="Rubber plant, 17 cm pot").is_visible()
    assert grid.locator(".price").first.inner_text() == "£24.00"
    assert grid.get_by_role("button", name="Add to basket").count() == 1
    visitor_context.close()
