from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhongshu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, navigation, permissions  # noqa: F401
        from .rules import is_auditor

        navigation.register(
            "home",
            label=_("Workbench"),
            url_name="core:home",
            group="work",
            order=0,
            icon="house",
            allowed=lambda user: user.is_authenticated and not user.is_administrator,
        )
        navigation.register(
            "audit",
            label=_("Audit log"),
            url_name="core:audit_list",
            group="admin",
            order=30,
            icon="journal-check",
            allowed=is_auditor,
        )
        navigation.register(
            "calendar",
            label=_("Holiday calendar"),
            url_name="core:calendar_list",
            group="manage",
            order=80,
            icon="calendar3",
            allowed=permissions.checker("calendar.manage"),
        )
