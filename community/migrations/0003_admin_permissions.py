"""Who works the chat's admin screens: Moderators run moderation, Editors keep
the word filter."""

from django.db import migrations

GRANTS = {
    "Moderators": [
        ("room", ["view", "change"]),
        ("message", ["view", "change"]),
        ("report", ["view", "change"]),
        ("mute", ["view", "add", "change"]),
        ("ban", ["view", "add", "change"]),
        ("moderationaction", ["view"]),
        ("blockedword", ["view"]),
    ],
    "Editors": [("blockedword", ["view", "add", "change", "delete"])],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in grants:
            content_type, _ = ContentType.objects.get_or_create(
                app_label="community", model=model
            )
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    codename=f"{action}_{model}",
                    content_type=content_type,
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("community", "0002_moderators_group")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
