from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "zhongshu.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        # One grouped provider in the top-bar search replaces org's people/department providers
        # (org is a lower layer: it registered them in its own ready(), which runs before ours).
        from zhongshu.core import search as top_bar

        from . import org_kinds, services

        org_kinds.register()
        top_bar.unregister("people")
        top_bar.unregister("departments")
        top_bar.register(
            "fulltext",
            label=_("Search"),
            grouped=True,
            search=lambda user, query, limit: services.search(user, query, limit=limit),
        )
