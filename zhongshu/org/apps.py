from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhongshu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        # Registers the side navigation entries, the people/department search providers and the
        # kernel permissions org answers (the holiday calendar).
        from . import core_permissions, navigation, search_providers  # noqa: F401
