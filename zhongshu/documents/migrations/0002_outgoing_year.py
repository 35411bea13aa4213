"""One indexed ``year`` column for the list's year filter (bench/README.md, "Outgoing documents")."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, ExtractYear


def fill_year(apps, schema_editor):
    OutgoingDocument = apps.get_model("documents", "OutgoingDocument")
    OutgoingDocument.objects.update(year=Coalesce("number_year", ExtractYear("created_at")))


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="outgoingdocument", name="outgoing_year_idx"),
        migrations.AddField(
            model_name="outgoingdocument",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.RunPython(fill_year, migrations.RunPython.noop, elidable=True),
    ]
