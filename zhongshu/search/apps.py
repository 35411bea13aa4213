import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _index_format(sender, verbosity=1, stdout=None, **kwargs):
    # After every app's migrations: the indexed tables are at the code's schema by now.
    from . import services

    out = stdout or sys.stdout
    services.ensure_index_format((lambda line: out.write(line + "\n")) if verbosity else None)


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
        post_migrate.connect(_index_format, sender=self, dispatch_uid="search_index_format")
        top_bar.unregister("people")
        top_bar.unregister("departments")
        top_bar.register(
            "fulltext",
            label=_("Search"),
            grouped=True,
            search=lambda user, query, limit: services.search(user, query, limit=limit),
        )
