"""Named permissions that higher apps define for the kernel's pages (STYLE.md "Boundaries").

``core`` may not import ``org``, yet the office (people with org's organisation role) maintains
the holiday calendar. So ``org`` registers its predicate here in ``AppConfig.ready()`` and core
asks by name. An unregistered name allows nobody: deny by default (security.md B1).
"""

from collections.abc import Callable

_registry: dict[str, Callable] = {}


def register(name: str, predicate: Callable) -> None:
    """``predicate(user) -> bool``; registering the same name again replaces it."""
    _registry[name] = predicate


def allowed(name: str, user) -> bool:
    predicate = _registry.get(name)
    if predicate is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(predicate(user))


def checker(name: str) -> Callable:
    """A ``predicate(user)`` for the navigation registry, resolved when called."""
    return lambda user: allowed(name, user)
