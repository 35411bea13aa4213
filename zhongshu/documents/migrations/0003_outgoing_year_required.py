"""The year column filled (0002) is required and indexed; separate so that PostgreSQL alters
the table in a transaction without the data update's pending trigger events."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_outgoing_year")]

    operations = [
        migrations.AlterField(
            model_name="outgoingdocument",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="year"),
        ),
        migrations.AddIndex(
            model_name="outgoingdocument",
            index=models.Index(fields=["unit", "year", "-id"], name="outgoing_year_idx"),
        ),
    ]
