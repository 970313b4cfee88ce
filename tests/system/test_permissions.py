"""Who may reach which admin, dashboard and API surface: one matrix, every role.

Roles (as the site defines them):
- anonymous; customer (a shop account);
- seller: an Oscar partner user with ``partner.dashboard_access`` (sees the
  dashboard for their own stock and orders);
- moderator, editor, publisher: Wagtail groups with admin access (no
  ``is_staff``: the Django admin and the shop dashboard are not theirs);
- staff: ``is_staff`` shop staff with the shop's model permissions and
  ``view_user`` (the whole shop dashboard, read-only users in the Django
  admin, /metrics) and no Wagtail admin permission.
"""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from wagtail.models import GroupPagePermission, Page

from oscar.core.loading import get_model

import pytest

ROLES = (
    "anonymous",
    "customer",
    "seller",
    "moderator",
    "editor",
    "publisher",
    "staff",
)
WAGTAIL_ROLES = {"moderator", "editor", "publisher"}
EVERYONE = set(ROLES)

# path -> roles that get a 200; everyone else must be turned away.
SURFACES = {
    "/admin/": WAGTAIL_ROLES,
    "/admin/pages/": WAGTAIL_ROLES,
    "/admin/users/": set(),
    "/admin/groups/": set(),
    "/django-admin/": {"staff"},
    "/django-admin/auth/user/": {"staff"},
    "/shop/dashboard/": {"staff", "seller"},
    "/shop/dashboard/orders/": {"staff", "seller"},
    "/shop/dashboard/catalogue/": {"staff", "seller"},
    "/shop/dashboard/users/": {"staff"},
    "/shop/dashboard/partners/": {"staff"},
    "/shop/dashboard/offers/": {"staff"},
    "/shop/accounts/profile/": EVERYONE - {"anonymous"},
    # Chat moderation lives in Wagtail's admin, for the Moderators group.
    "/admin/community/report/": {"moderator"},
    "/admin/community/message/": {"moderator"},
    "/admin/community/ban/": {"moderator"},
    # Visitors' photos and identifications: nobody below superuser.
    "/admin/identify/identificationrequest/": set(),
    "/api/v2/pages/": EVERYONE,
    "/api/chat/general/messages/": EVERYONE,
    "/metrics": {"staff"},
}


# Wagtail's default group rights over the page tree, per role.
PAGE_PERMISSIONS = {
    "editor": ("add_page", "change_page"),
    "publisher": ("add_page", "change_page", "publish_page"),
    "moderator": ("add_page", "change_page", "publish_page"),
}
# Oscar 4.2's dashboard checks model permissions on top of is_staff.
SHOP_STAFF_APPS = (
    "catalogue",
    "partner",
    "order",
    "offer",
    "voucher",
    "communication",
    "shipping",
    "reviews",
    "flatpages",
)
GROUP_NAMES = {
    "editor": "Editors",
    "publisher": "Publishers",
    "moderator": "Moderators",
}


def _editorial_groups_ensure() -> None:
    """The site's own definition of Editors and Publishers, where it exists."""
    try:
        from cms.services import editorial_workflow_ensure
    except ImportError:
        return
    editorial_workflow_ensure()


def _moderators_group_ensure(group: Group) -> None:
    # The community app's migrations grant these; a flushed test database
    # has lost them, so grant them the same way.
    from community.tests.factories import moderators_group

    moderators_group()


def _role_user(role: str, home_page):
    if role == "anonymous":
        return None
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=role,
        email=f"{role}@example.com",
        password="irrelevant-here",
        is_staff=role == "staff",
    )
    if role in ("editor", "publisher"):
        _editorial_groups_ensure()
    if role in WAGTAIL_ROLES:
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        root = Page.get_first_root_node()
        for codename in PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        if role == "moderator":
            _moderators_group_ensure(group)
        user.groups.add(group)
    if role == "staff":
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label__in=SHOP_STAFF_APPS),
            Permission.objects.get(
                content_type__app_label="auth", codename="view_user"
            ),
        )
    if role == "seller":
        partner = get_model("partner", "Partner").objects.create(name="Greenhouse")
        partner.users.add(user)
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="partner", codename="dashboard_access"
            )
        )
    return user


def _turned_away(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302):
        # To a sign-in form, or Wagtail's "no permission" bounce to its home.
        return "login" in response["Location"] or response["Location"] == "/admin/"
    return False


@pytest.fixture
def chat_room(db):
    from community.models import Room

    return Room.objects.get_or_create(slug="general", defaults={"title": "General"})[0]


@pytest.fixture
def client_for(client, home_page, chat_room, settings):
    settings.METRICS_TOKEN = ""

    def login_as(role: str):
        user = _role_user(role, home_page)
        if user is not None:
            client.force_login(user)
        return client

    return login_as


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_surfaces(client_for, role):
    client = client_for(role)
    wrong = []

    for path, allowed in SURFACES.items():
        response = client.get(path)
        if role in allowed and response.status_code != 200:
            wrong.append(f"{path}: expected 200, got {response.status_code}")
        if role not in allowed and not _turned_away(response):
            wrong.append(
                f"{path}: expected to be turned away, got {response.status_code}"
            )

    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_nobodys_identification_is_anybodys(client_for, role):
    client = client_for(role)

    response = client.get(f"/api/identify/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_never_lets_a_role_edit_users(client_for, role):
    client = client_for(role)
    target = get_user_model().objects.create_user("victim", "v@example.com", "pw")

    response = client.post(
        f"/django-admin/auth/user/{target.pk}/change/",
        {"username": "victim", "is_superuser": "on"},
    )

    assert _turned_away(response)
    target.refresh_from_db()
    assert target.is_superuser is False
