"""People and departments in the top-bar search (core.search registry, filled in ready()).

Hits come from the visibility selectors. Organisation maintainers land on the maintenance pages;
everyone else on the staff directory, filtered to the hit.
"""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.core import search

from . import selectors
from .predicates import can_manage_org, can_see_directory


def _directory_url(**params) -> str:
    return f"{reverse('org:directory')}?{urlencode(params)}"


def search_people(user, query: str, limit: int) -> list[search.SearchHit]:
    if not can_see_directory(user):
        return []
    manager = can_manage_org(user)
    people = selectors.visible_people(user)
    if not manager:
        people = people.filter(is_active=True, admin_role="")
    people = people.filter(
        Q(full_name__icontains=query) | Q(username__icontains=query) | Q(mobile=query)
    ).order_by("full_name", "id")[:limit]
    return [
        search.SearchHit(
            title=p.full_name,
            url=(
                reverse("org:person_detail", args=[p.pk])
                if manager
                else _directory_url(q=p.username)
            ),
            subtitle=" · ".join(
                f"{m.department.name}{' ' + m.position.name if m.position else ''}"
                for m in p.live_posts
                if m.is_primary
            ),
        )
        for p in people
    ]


def search_departments(user, query: str, limit: int) -> list[search.SearchHit]:
    if not can_see_directory(user):
        return []
    manager = can_manage_org(user)
    departments = (
        selectors.visible_departments(user)
        .filter(Q(name__icontains=query) | Q(code__iexact=query))
        .order_by("unit", "sort_order", "id")[:limit]
    )
    return [
        search.SearchHit(
            title=d.name,
            url=(
                reverse("org:department_edit", args=[d.pk])
                if manager
                else _directory_url(department=d.pk)
            ),
            subtitle=d.unit.name,
        )
        for d in departments
    ]


search.register("people", label=_("People"), search=search_people)
search.register("departments", label=_("Departments"), search=search_departments)
