"""The editorial set-up: Editors submit, Publishers approve; idempotent."""

from django.contrib.auth.models import Group

from wagtail.models import GroupPagePermission, Page, WorkflowPage, WorkflowState

import pytest

from cms.services import EDITORS, PUBLISHERS, editorial_workflow_ensure

from .factories import ArticlePageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return (
        Group.objects.filter(name__in=[EDITORS, PUBLISHERS]).count(),
        GroupPagePermission.objects.count(),
        WorkflowPage.objects.count(),
    )


def test_editorial_setup_is_idempotent(home_page):
    editorial_workflow_ensure()
    first = _counts()

    editorial_workflow_ensure()

    assert _counts() == first
    assert first[0] == 2


def test_editors_submit_and_publishers_approve(home_page, article_index):
    workflow = editorial_workflow_ensure()
    editor = UserFactory(username="eden")
    editor.groups.add(Group.objects.get(name=EDITORS))
    publisher = UserFactory(username="piper")
    publisher.groups.add(Group.objects.get(name=PUBLISHERS))
    article = ArticlePageFactory(parent=article_index)
    article.unpublish()
    root_perms = article.permissions_for_user(editor)

    assert not root_perms.can_publish()
    assert root_perms.can_edit()
    assert article.get_workflow() == workflow

    state = workflow.start(article, editor)
    task_state = state.current_task_state
    task = task_state.task.specific

    assert task.get_actions(article, editor) == []
    assert [name for name, *_ in task.get_actions(article, publisher)][:2] == [
        "reject",
        "approve",
    ]

    task.on_action(task_state, publisher, "approve")
    article.refresh_from_db()

    assert article.live
    assert (
        WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_APPROVED
    )


@pytest.mark.parametrize(
    ("group", "can_publish"), [(EDITORS, False), (PUBLISHERS, True)]
)
def test_only_publishers_may_publish_anywhere_in_the_tree(
    home_page, group, can_publish
):
    editorial_workflow_ensure()
    root = Page.get_first_root_node()

    assert (
        GroupPagePermission.objects.filter(
            group__name=group, page=root, permission__codename="publish_page"
        ).exists()
        is can_publish
    )
