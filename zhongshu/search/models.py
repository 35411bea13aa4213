"""The full-text index: one entry per indexed object, its text in chunks (DESIGN.md "Search").

The index text is never stored twice: on PostgreSQL each chunk carries a ``simple`` tsvector
(GIN index, created in the migration); on SQLite the chunk's tokens live in the FTS5 table
``search_fts`` whose rowid is the chunk id (written and deleted by ``services``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    kind = models.CharField(_("type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64)
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    snippet = models.TextField(_("snippet"), blank=True)
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    url = models.CharField(_("address"), max_length=500)
    updated_at = models.DateTimeField(_("updated at"))
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]
        indexes = [
            models.Index(fields=["kind", "-updated_at"], name="search_entry_kind_newest"),
            models.Index(
                fields=["kind", "unit_id", "-updated_at"], name="search_entry_unit_newest"
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"


class SearchChunk(models.Model):
    """At most 8,000 characters of an entry's text (PostgreSQL keeps 16,383 positions)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="chunks")
    kind = models.CharField(max_length=40)  # copied: the match query filters on one table
    seq = models.PositiveSmallIntegerField(default=0)
    vector = SearchVectorField(null=True)  # PostgreSQL only; SQLite uses search_fts

    class Meta:
        verbose_name = _("search chunk")
        verbose_name_plural = _("search chunks")


class IndexFormat(models.Model):
    """The tokenizer version the stored index was written with (one row; ``services``
    rebuilds the index after ``migrate`` when the code's version differs)."""

    version = models.PositiveSmallIntegerField(_("version"))

    class Meta:
        verbose_name = _("search index format")
        verbose_name_plural = _("search index formats")

    def __str__(self):
        return f"v{self.version}"
