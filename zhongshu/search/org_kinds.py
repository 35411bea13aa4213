"""People and departments in the full-text search, as *live* kinds.

``org`` sits below this app and cannot call ``services.index()`` when a person or department is
saved, and an index refreshed only by a job would show renamed or closed accounts. Their tables
are small per unit (the visibility selectors already narrow them to one or a few units), so these
kinds query ``org``'s own search functions — the visibility selectors with a substring match —
at search time: always current, no index to keep in step. Links stay as before: the directory for
staff, the maintenance pages for organisation maintainers.
"""

from django.utils.translation import gettext_lazy as _

from zhongshu.org import search_providers

from . import registry


def register() -> None:
    registry.register("people", label=_("People"), order=10, search=search_providers.search_people)
    registry.register(
        "departments", label=_("Departments"), order=20, search=search_providers.search_departments
    )
