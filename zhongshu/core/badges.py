"""Top-bar badges (inbox count, notification bell), filled by the modules that own them.

Like the navigation, the shell never hard-codes a module: the workflow app registers the inbox
count and the notify app the bell in their ``ready()``. Counts are capped for display ("99+").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

CAP = 99


@dataclass(frozen=True)
class Badge:
    key: str
    label: str | Promise
    icon: str
    url_name: str
    count: Callable  # (user) -> int
    order: int


_registry: dict[str, Badge] = {}


def register(key: str, *, label, icon: str, url_name: str, count: Callable, order=100) -> None:
    _registry[key] = Badge(key, label, icon, url_name, count, order)


def display(n: int) -> str:
    return f"{CAP}+" if n > CAP else str(n)


def badges_for(user) -> list[dict]:
    if not user.is_authenticated or user.admin_role:
        return []
    shown = []
    for badge in sorted(_registry.values(), key=lambda b: (b.order, b.key)):
        n = badge.count(user)
        shown.append(
            {
                "key": badge.key,
                "label": badge.label,
                "icon": badge.icon,
                "url": reverse(badge.url_name),
                "count": n,
                "display": display(n) if n else "",
            }
        )
    return shown
