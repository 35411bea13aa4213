"""The default robot host allow-list: WeCom, DingTalk and Feishu group robots."""

from django.db import migrations

HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")


def add_hosts(apps, schema_editor):
    RobotHost = apps.get_model("notify", "RobotHost")
    for host in HOSTS:
        RobotHost.objects.get_or_create(host=host)


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]

    operations = [migrations.RunPython(add_hosts, migrations.RunPython.noop)]
