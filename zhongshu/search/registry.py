"""What each module puts in the search index (filled in each module's ``AppConfig.ready()``).

An *indexed* kind gives:

- ``visible_queryset(user)``: a queryset of the objects the user may see — the search filters
  every candidate through it (``.filter(pk__in=…)``) before returning or counting anything;
- ``document(obj)``: ``dict(title, body, url, classification, unit_id, updated_at)``, or None
  when the object must not be in the index (deleted, draft…);
- ``all_objects()``: every object to index, for ``rebuild_search_index``;
- optionally ``unit_ids(user)``: the units whose entries may be visible, used to narrow the
  one-character fallback scan (visibility is still checked by ``visible_queryset``).

The module calls ``zhongshu.search.services.index(kind, obj)`` / ``remove(kind, object_id)``
inside its save transaction.

A *live* kind gives ``search(user, query, limit) -> list[SearchHit]`` instead and is queried
directly (people and departments: small per-unit tables owned by ``org``, which sits below this
app and so cannot call ``index()``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    order: int = 100
    visible_queryset: Callable | None = None
    document: Callable | None = None
    all_objects: Callable | None = None
    unit_ids: Callable | None = None
    search: Callable | None = None

    @property
    def indexed(self) -> bool:
        return self.search is None


_kinds: dict[str, Kind] = {}


def register(
    key: str,
    *,
    label,
    order: int = 100,
    visible_queryset: Callable | None = None,
    document: Callable | None = None,
    all_objects: Callable | None = None,
    unit_ids: Callable | None = None,
    search: Callable | None = None,
) -> Kind:
    if not _KEY.match(key):
        raise ValueError(f"search kind {key!r}: lower-case letters, digits and _ only")
    if search is None and not (visible_queryset and document and all_objects):
        raise ValueError(
            f"search kind {key!r}: give visible_queryset, document and all_objects, or search"
        )
    kind = Kind(key, label, order, visible_queryset, document, all_objects, unit_ids, search)
    _kinds[key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def get(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"no search kind {key!r} is registered") from None


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))
