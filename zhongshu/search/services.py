"""Index writes and the grouped search (DESIGN.md "Search", CONVENTIONS.md "Search").

Writes: modules call ``index(kind, obj)`` and ``remove(kind, object_id)`` inside their own save
transaction, so the index never disagrees with a committed row.

Reads: ``search(user, query)`` matches each type's chunks (FTS5 phrase on SQLite, ``simple``
tsvector phrase on PostgreSQL), over-fetches up to ``COUNT_CAP + 1`` newest candidates, keeps only
those the type's ``visible_queryset(user)`` returns (and whose classification the user's clearance
covers), and only then counts and shows them: an invisible object is never returned nor counted.
Three queries per indexed type, whatever the number of hits.
"""

import re
from collections.abc import Iterable
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import Q, Value
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from zhongshu.core.search import SearchHit

from . import registry
from .models import IndexFormat, SearchChunk, SearchEntry
from .tokenize import _RUN, VERSION, _normalise, match_length, query_terms, tokens

CHUNK_CHARS = 8000  # CONVENTIONS.md: PostgreSQL keeps at most 16,383 positions per tsvector
CHUNK_OVERLAP = 100  # a query (≤ 100 characters) spanning two chunks is still found whole
SNIPPET_CHARS = 300
COUNT_CAP = 500  # counts shown as "500+" beyond this: each candidate costs a recheck
WALK = 3_000  # PostgreSQL: the newest chunks rechecked one by one first (_pg_match)
WINDOWS = (20_000, 100_000, 500_000)  # then GIN bitmap scans of ever wider newest slices
LIKE_SCAN_CAP = 20000  # the one-character fallback scans at most this many newest entries
QUERY_CHARS = 100


# --- Writing -------------------------------------------------------------------------------------


def chunks(text: str) -> list[str]:
    """Overlapping pieces of at most CHUNK_CHARS characters (one piece for short texts)."""
    if len(text) <= CHUNK_CHARS:
        return [text]
    step = CHUNK_CHARS - CHUNK_OVERLAP
    return [text[i : i + CHUNK_CHARS] for i in range(0, len(text) - CHUNK_OVERLAP, step)]


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _delete_chunks(entry_ids) -> None:
    if _sqlite():
        with connection.cursor() as cursor:
            ids = list(
                SearchChunk.objects.filter(entry_id__in=entry_ids).values_list("id", flat=True)
            )
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
    SearchChunk.objects.filter(entry_id__in=entry_ids)._raw_delete(SearchChunk.objects.db)


def index_documents(kind_key: str, items: Iterable[tuple[object, dict | None]]) -> int:
    """Write (object_id, document) pairs of one type; a None document removes the object.

    Replaces any entry the objects already had. Returns the number of entries written.
    """
    kind = registry.get(kind_key)
    items = [(str(object_id), doc) for object_id, doc in items]
    if not items:
        return 0
    with transaction.atomic():
        existing = SearchEntry.objects.filter(
            kind=kind.key, object_id__in=[object_id for object_id, _ in items]
        ).values_list("id", flat=True)
        existing = list(existing)
        if existing:
            _delete_chunks(existing)
            SearchEntry.objects.filter(id__in=existing)._raw_delete(SearchEntry.objects.db)
        docs = [(object_id, doc) for object_id, doc in items if doc is not None]
        entries = SearchEntry.objects.bulk_create(
            [
                SearchEntry(
                    kind=kind.key,
                    object_id=object_id,
                    unit_id=doc.get("unit_id"),
                    title=(doc.get("title") or "")[:300],
                    snippet=" ".join((doc.get("body") or "").split())[:SNIPPET_CHARS],
                    classification=int(doc.get("classification") or 0),
                    url=doc.get("url") or "",
                    updated_at=doc["updated_at"],
                )
                for object_id, doc in docs
            ]
        )
        pieces: list[tuple[SearchEntry, int, str]] = []
        for entry, (_, doc) in zip(entries, docs, strict=True):
            text = f"{doc.get('title') or ''}\n{doc.get('body') or ''}"
            pieces.extend((entry, seq, tokens(piece)) for seq, piece in enumerate(chunks(text)))
        if _sqlite():
            rows = SearchChunk.objects.bulk_create(
                [SearchChunk(entry=e, kind=kind.key, seq=seq) for e, seq, _ in pieces]
            )
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO search_fts(rowid, tokens, kind) VALUES (%s, %s, %s)",
                    [
                        (row.pk, text, kind.key)
                        for row, (_, _, text) in zip(rows, pieces, strict=True)
                    ],
                )
        else:
            SearchChunk.objects.bulk_create(
                [
                    SearchChunk(
                        entry=e,
                        kind=kind.key,
                        seq=seq,
                        vector=SearchVector(Value(text), config="simple"),
                    )
                    for e, seq, text in pieces
                ]
            )
    return len(entries)


def index(kind_key: str, obj) -> None:
    """(Re)index one object; call it inside the transaction that saves the object."""
    kind = registry.get(kind_key)
    index_documents(kind.key, [(obj.pk, kind.document(obj))])


def remove(kind_key: str, object_id) -> None:
    """Take an object out of the index (inside the transaction that deletes it)."""
    index_documents(registry.get(kind_key).key, [(object_id, None)])


def clear(kind_key: str) -> None:
    with transaction.atomic():
        if _sqlite():
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_fts WHERE rowid IN "
                    "(SELECT id FROM search_searchchunk WHERE kind = %s)",
                    [kind_key],
                )
        SearchChunk.objects.filter(kind=kind_key)._raw_delete(SearchChunk.objects.db)
        SearchEntry.objects.filter(kind=kind_key)._raw_delete(SearchEntry.objects.db)


def rebuild(kind_key: str, batch_size: int = 500) -> int:
    """Drop a type's entries and index all its objects again, in batches."""
    kind = registry.get(kind_key)
    if not kind.indexed:
        return 0
    clear(kind.key)
    written, batch = 0, []
    for obj in kind.all_objects():
        batch.append((obj.pk, kind.document(obj)))
        if len(batch) >= batch_size:
            written += index_documents(kind.key, batch)
            batch = []
    return written + index_documents(kind.key, batch)


def ensure_index_format(write=None) -> list[str]:
    """Rebuild every indexed type when the stored index was written by another tokenizer
    version (after ``migrate``); an empty index is simply marked current. The keys rebuilt."""
    stored = IndexFormat.objects.order_by("pk").first()
    if stored is not None and stored.version == VERSION:
        return []
    rebuilt = []
    if stored is not None or SearchEntry.objects.exists():
        for kind in registry.kinds():
            if kind.indexed:
                if write:
                    write(f"Rebuilding the search index of {kind.key} (new tokenizer)…")
                rebuild(kind.key)
                rebuilt.append(kind.key)
    IndexFormat.objects.all().delete()
    IndexFormat.objects.create(version=VERSION)
    return rebuilt


# --- Matching ------------------------------------------------------------------------------------


def _fts_expression(kind_key: str, terms: list[str]) -> str:
    # Tokens hold only letters and digits (tokenize.py), so quoting cannot be broken out of.
    phrases = " AND ".join(f'tokens : "{term}"' for term in terms)
    return f'kind : "{kind_key}" AND {phrases}'


def match_entries(kind_key: str, terms: list[str], cap: int) -> list[tuple]:
    """Newest (by index order) entries of a type matching every term phrase, at most ``cap``.

    Rows are ``(entry_id, object_id, classification, updated_at)``; one query.
    """
    return _match(kind_key, terms, cap)[0]


_SQLITE_IDS = "e.id, e.object_id"
_SQLITE_ROWS = "e.id, e.object_id, e.classification, e.updated_at"


def _match(
    kind_key: str, terms: list[str], cap: int, *, whole: bool = False, ids_only: bool = False
) -> tuple:
    """:func:`match_entries`, and an estimate of how many chunks match in all (None: unknown).

    On PostgreSQL, the matches found in the newest ``n`` chunks, scaled to the whole table,
    when ``cap`` were found before the end; the exact number otherwise. ``whole`` skips the
    newest-first slices and reads every match at once (a word known to be in few chunks).
    ``ids_only``: rows of ``(entry_id, object_id)`` alone (thousands of them are read faster
    without a timestamp to convert each).
    """
    estimate = None
    if _sqlite():
        columns = _SQLITE_IDS if ids_only else _SQLITE_ROWS
        sql = (
            f"SELECT {columns} FROM ("  # noqa: S608  (one of two constant column lists)
            " SELECT rowid AS r FROM search_fts WHERE search_fts MATCH %s"
            " ORDER BY rowid DESC LIMIT %s) m"
            " JOIN search_searchchunk c ON c.id = m.r"
            " JOIN search_searchentry e ON e.id = c.entry_id ORDER BY c.id DESC"
        )
        # Several chunks of one entry may match: fetch a few more rows, keep each entry once.
        with connection.cursor() as cursor:
            cursor.execute(sql, [_fts_expression(kind_key, terms), cap + 8])
            rows = cursor.fetchall()
    else:
        rows, estimate = _pg_match(kind_key, terms, cap + 8, whole=whole, ids_only=ids_only)
    seen, out = set(), []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out[:cap], estimate


def matching_object_ids(
    kind_key: str, query: str, *, cap: int | None = None, wide_cap: int = 0
) -> list[str] | None:
    """Ids of the objects of a type whose indexed text holds ``query`` (every term), newest
    first, for a module's own list filter; not filtered by visibility.

    None when the index cannot answer exactly: a query of one character, or more than ``cap``
    matches (``COUNT_CAP`` by default) — unless ``wide_cap`` is given and the word seems to be
    in no more than that many: then one read of all its matches returns up to ``wide_cap`` ids
    (a word in some thousands of objects, whose few title matches a scan of the caller's table
    would take seconds to count). The caller falls back to its own filter on None, which is
    cheap for the common words that overflow the caps.
    """
    cap = COUNT_CAP if cap is None else cap
    query = " ".join((query or "").split())[:QUERY_CHARS]
    terms = [t for t in query_terms(query) if match_length(t) > 1]
    if match_length(query) < 2 or not terms:
        return None
    rows, estimate = _match(kind_key, terms, cap + 1, ids_only=True)
    if len(rows) > cap and wide_cap > cap and (estimate is None or estimate <= wide_cap):
        rows, _estimate = _match(kind_key, terms, wide_cap + 1, whole=True, ids_only=True)
        cap = wide_cap
    if len(rows) > cap:
        return None
    return [row[1] for row in rows]


def _pg_match(
    kind_key: str, terms: list[str], limit: int, *, whole: bool = False, ids_only: bool = False
) -> tuple:
    """The newest ``limit`` matching chunks on PostgreSQL, newest slices of the table first,
    and an estimate of all the matches (see :func:`_match`).

    Left to itself the planner either walks the primary key backwards and rechecks every row
    (fast for common words, seconds for a phrase of common bigrams that is itself rare: 3.8 s
    at 1,000,000 documents) or reads every match through the GIN index and sorts them (seconds
    for common words). So the match always goes through the GIN bitmap, ANDed with a primary key
    range: the newest ``WINDOWS[0]`` chunks first, then wider, then all — common words stop in
    the first window, rare ones cost a few cheap bitmap scans (bench/README.md, "Search").
    Before that, a plain walk of the newest ``WALK`` chunks serves the commonest words, whose
    posting lists alone take the GIN path ~90 ms to read at 1,000,000 documents.
    """
    query = reduce(
        lambda a, b: a & b,
        [SearchQuery(term, config="simple", search_type="phrase") for term in terms],
    )
    columns = ("entry_id", "entry__object_id")
    if not ids_only:
        columns += ("entry__classification", "entry__updated_at")
    matches = (
        SearchChunk.objects.filter(kind=kind_key, vector=query)
        .order_by("-id")
        .values_list(*columns)
    )
    newest = SearchChunk.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return [], 0
    if not whole:
        # Common words: a walk of the newest chunks finds enough at once (~6 µs a row rechecked).
        rows = list(matches.filter(id__gt=newest - WALK)[:limit])
        if len(rows) >= limit or newest <= WALK:
            return rows, len(rows) * max(newest // WALK, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        try:
            for window in () if whole else WINDOWS:
                rows = list(matches.filter(id__gt=newest - window)[:limit])
                if len(rows) >= limit or window >= newest:
                    return rows, len(rows) * max(newest // window, 1)
            rows = list(matches[:limit])
            return rows, len(rows)
        finally:  # SET LOCAL lasts to the end of the outer transaction, if there is one
            cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")


def _like_entries(kind, user, needle: str, cap: int) -> list[tuple]:
    """One-character queries: a substring scan of titles and snippets, narrowed and capped."""
    newest = SearchEntry.objects.filter(kind=kind.key)
    if kind.unit_ids is not None:
        newest = newest.filter(unit_id__in=list(kind.unit_ids(user)))
    newest = newest.order_by("-updated_at").values("id")[:LIKE_SCAN_CAP]
    return list(
        SearchEntry.objects.filter(id__in=newest)
        .filter(Q(title__icontains=needle) | Q(snippet__icontains=needle))
        .order_by("-updated_at")
        .values_list("id", "object_id", "classification", "updated_at")[:cap]
    )


# --- Highlighting --------------------------------------------------------------------------------


def _highlighter(query: str) -> re.Pattern | None:
    """A pattern finding each query term in the original text, separators allowed between the
    runs of a term as the tokenizer drops them ("gb t" finds "GB/T")."""
    patterns = []
    for term in _normalise(query).split():
        runs = [a or b for a, b in _RUN.findall(term)]
        if runs:
            patterns.append(r"[\W_]*".join(re.escape(run) for run in runs))
    if not patterns:
        return None
    patterns.sort(key=len, reverse=True)
    return re.compile("|".join(patterns), re.IGNORECASE)


def highlight(text: str, query_or_pattern) -> SafeString:
    """``text`` escaped, with each match of the query wrapped in <mark>."""
    pattern = (
        _highlighter(query_or_pattern) if isinstance(query_or_pattern, str) else query_or_pattern
    )
    text = text or ""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    # Every piece is already escaped (SafeString): joining them re-escapes nothing.
    return format_html_join("", "{}", ((piece,) for piece in pieces))


# --- Searching -----------------------------------------------------------------------------------


def _count_display(visible: int, more: bool) -> str:
    return f"{visible}+" if more else str(visible)


def _search_indexed(kind, user, query: str, terms: list[str], limit: int, pattern):
    if terms:
        rows = match_entries(kind.key, terms, COUNT_CAP + 1)
    else:
        rows = _like_entries(kind, user, query, COUNT_CAP + 1)
    if not rows:
        return None
    more = len(rows) > COUNT_CAP
    rows = rows[:COUNT_CAP]
    clearance = int(getattr(user, "clearance", 0) or 0)
    allowed = {
        str(pk)
        for pk in kind.visible_queryset(user)
        .filter(pk__in=[row[1] for row in rows])
        .order_by()
        .values_list("pk", flat=True)
    }
    visible = [row for row in rows if row[1] in allowed and row[2] <= clearance]
    if not visible:
        return None
    visible.sort(key=lambda row: (row[3], row[0]), reverse=True)
    shown = [row[0] for row in visible[:limit]]
    entries = SearchEntry.objects.in_bulk(shown)
    hits = [
        SearchHit(
            title=entries[pk].title,
            url=entries[pk].url,
            title_html=highlight(entries[pk].title, pattern),
            snippet=highlight(entries[pk].snippet, pattern),
        )
        for pk in shown
    ]
    return hits, _count_display(len(visible), more)


def _search_live(kind, user, query: str, limit: int):
    # Hits come as the module made them (people's names are shown whole, unmarked, as before).
    found = kind.search(user, query, limit + 1)
    if not found:
        return None
    return found[:limit], _count_display(min(len(found), limit), len(found) > limit)


def search(user, query: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[dict]:
    """Grouped results: ``[{"key", "label", "hits": [SearchHit], "count_display"}]``.

    For indexed types each hit's ``title_html`` and ``snippet`` are escaped HTML with the match
    in <mark>; live types (people, departments) return their module's hits unchanged.
    """
    query = raw = " ".join((query or "").split())[:QUERY_CHARS]
    length = match_length(query)
    if not length:
        return []
    terms = [] if length == 1 else [t for t in query_terms(query) if match_length(t) > 1]
    if not terms:  # one character (or only one-character terms, "食 品"): scan for the first
        query = next(a or b for a, b in _RUN.findall(_normalise(query)))[:1]
    pattern = _highlighter(query)
    wanted = set(kinds) if kinds is not None else None
    groups = []
    for kind in registry.kinds():
        if wanted is not None and kind.key not in wanted:
            continue
        if kind.indexed:
            result = _search_indexed(kind, user, query, terms, limit, pattern)
        else:
            result = _search_live(kind, user, raw, limit)
        if result:
            hits, count_display = result
            groups.append(
                {"key": kind.key, "label": kind.label, "hits": hits, "count_display": count_display}
            )
    return groups
