from django.db import migrations, models


def written_by_the_first_tokenizer(apps, schema_editor):
    # An index already here was written by version 1 (bigrams alone): it is rebuilt after this
    # migrate (services.ensure_index_format). An empty one is simply marked current there.
    if apps.get_model("search", "SearchEntry").objects.exists():
        apps.get_model("search", "IndexFormat").objects.create(version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexFormat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "search index format",
                "verbose_name_plural": "search index formats",
            },
        ),
        migrations.RunPython(written_by_the_first_tokenizer, migrations.RunPython.noop),
    ]
