"""Fuzzy page search on PostgreSQL: pg_trgm plus GIN trigram indexes on
Wagtail's search index text. A no-op on other databases."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = (
    ("cms_indexentry_title_trgm", "title_text"),
    ("cms_indexentry_body_trgm", "body_text"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON wagtailsearch_indexentry "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_page_types"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
