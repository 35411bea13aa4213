"""Global search providers. Higher apps register a provider in ``ready()``; the top-bar search
box calls every provider with the signed-in user, and each provider returns only what that user
may see (its module's visibility selector). The search module replaces this with full-text
search across modules later; providers stay the contract.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    subtitle: str = ""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str | Promise
    search: Callable  # (user, query, limit) -> list[SearchHit]


_providers: dict[str, Provider] = {}


def register(key: str, *, label, search: Callable) -> None:
    _providers[key] = Provider(key, label, search)


def search_all(user, query: str, limit: int = 20) -> list[dict]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    sections = []
    for provider in _providers.values():
        hits = provider.search(user, query, limit)
        if hits:
            sections.append({"key": provider.key, "label": provider.label, "hits": hits})
    return sections
