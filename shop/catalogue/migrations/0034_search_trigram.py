"""Shop search: pg_trgm for typo-tolerant matching, and a trigram index on titles.

Both are PostgreSQL-only; on SQLite the search falls back to substring and
fuzzy vocabulary matching, so this migration does nothing there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "catalogue_product_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalogue_product "
            "USING gin (title gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0033_product_species")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
