from django.db import migrations


def install(apps, schema_editor):
    from zhongshu.core.audit import install_guard

    install_guard(schema_editor)
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    """The database refuses UPDATE and DELETE on audit events (security.md C3)."""

    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
