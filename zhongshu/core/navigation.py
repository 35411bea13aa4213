"""The side navigation, filled by each app in ``AppConfig.ready()`` (STYLE.md, "Templates").

The shell never hard-codes modules: an app registers its entries with a group, an order and a
predicate saying who may use them, and the shell shows only what the user may use.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GROUPS = {
    "work": _("Workbench"),
    "documents": _("Documents"),
    "meetings": _("Meetings"),
    "affairs": _("Affairs"),
    "supervision": _("Supervision"),
    "knowledge": _("Knowledge"),
    "manage": _("Management"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    group: str
    order: int
    icon: str
    allowed: Callable

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_registry: dict[str, NavEntry] = {}


def register(
    key: str,
    *,
    label,
    url_name: str,
    group: str,
    order: int = 100,
    icon: str = "",
    allowed: Callable = lambda user: user.is_authenticated,
) -> None:
    if group not in GROUPS:
        raise ValueError(f"unknown navigation group {group!r}")
    _registry[key] = NavEntry(key, label, url_name, group, order, icon, allowed)


def entries_for(user) -> list[dict]:
    """Groups in their fixed order, each with the entries this user may use."""
    visible = [e for e in _registry.values() if e.allowed(user)]
    groups = []
    for group, label in GROUPS.items():
        items = sorted((e for e in visible if e.group == group), key=lambda e: (e.order, e.key))
        if items:
            groups.append({"key": group, "label": label, "entries": items})
    return groups
