from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhongshu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import navigation  # noqa: F401  (registers the side navigation entries)
