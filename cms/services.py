"""Writes of the CMS: the editorial set-up (groups, permissions, workflow)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
PUBLISHERS = "Publishers"
WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Publisher approval"

# Editors draft and submit; Publishers also publish, approve and unlock.
PAGE_PERMISSIONS = {
    EDITORS: ("add_page", "change_page"),
    PUBLISHERS: (
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ),
}
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("cms", "add_author"),
    ("cms", "change_author"),
    ("cms", "view_author"),
    ("identify", "view_species"),
)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def editorial_workflow_ensure() -> Workflow:
    """Groups, permissions and the moderation workflow; safe to run again.

    Editors submit pages to "Editorial review"; its one task is approved by
    Publishers. It replaces Wagtail's default workflow on the whole tree.
    """
    root = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node() or Collection.add_root(
        name="Root"
    )
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(app_label, codename),
            )
        group.permissions.add(
            *[_permission(app_label, code) for app_label, code in MODEL_PERMISSIONS]
        )

    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([groups[PUBLISHERS]])
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow
