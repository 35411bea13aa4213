"""Global search providers. Higher apps register a provider in ``ready()``; the top-bar search
box calls every provider with the signed-in user, and each provider returns only what that user
may see (its module's visibility selector). The full-text search app (``zhongshu.search``)
registers one *grouped* provider that returns its own sections (one per indexed type) and
unregisters the simple people/department providers it replaces.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    subtitle: str = ""
    # Already-escaped HTML with <mark> around the match (SafeString), or "".
    title_html: str = ""
    snippet: str = ""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str | Promise
    search: Callable  # (user, query, limit) -> list[SearchHit]
    # A grouped provider returns sections: [{"key", "label", "hits", "count_display"}].
    grouped: bool = False


_providers: dict[str, Provider] = {}


def register(key: str, *, label, search: Callable, grouped: bool = False) -> None:
    _providers[key] = Provider(key, label, search, grouped)


def unregister(key: str) -> None:
    _providers.pop(key, None)


def search_all(user, query: str, limit: int = 20) -> list[dict]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    sections = []
    for provider in _providers.values():
        if provider.grouped:
            sections.extend(provider.search(user, query, limit))
            continue
        hits = provider.search(user, query, limit)
        if hits:
            sections.append({"key": provider.key, "label": provider.label, "hits": hits})
    return sections
