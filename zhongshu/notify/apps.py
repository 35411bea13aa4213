from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "zhongshu.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # The bell badge and the navigation entries (registries in core, STYLE.md "Boundaries").
        from . import navigation  # noqa: F401
