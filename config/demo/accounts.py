"""Demo accounts for local use only (contracts.md): never created with DEBUG off."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_PASSWORD = "canopy-demo"  # noqa: S105 - documented local-only demo password

# (username, email, first name, group or None, is_superuser)
DEMO_ACCOUNTS = (
    ("admin", "admin@canopy.test", "Ada", None, True),
    ("editor", "editor@canopy.test", "Eden", "Editors", False),
    ("publisher", "publisher@canopy.test", "Piper", "Publishers", False),
    ("moderator", "moderator@canopy.test", "Morgan", "Moderators", False),
    ("customer", "customer@canopy.test", "Cass", None, False),
)


def demo_accounts_load() -> dict[str, object]:
    """Create (or leave as they are) the demo accounts; returns them by username."""
    user_model = get_user_model()
    users = {}
    for username, email, first_name, group_name, is_superuser in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "email": email,
                "first_name": first_name,
                # Wagtail admin access comes from the groups' access_admin
                # permission; is_staff would also open Django's admin and
                # the shop dashboard, which only the administrator runs.
                "is_staff": is_superuser,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group_name:
            group, _ = Group.objects.get_or_create(name=group_name)
            user.groups.add(group)
        users[username] = user
    return users
