"""Fixity check of the stored attachments (security.md D3).

Re-hashes every stored file (or, with ``--stale-first N``, the N least recently verified,
as the nightly job does) and walks the storage for files that no row knows. Prints each
problem as ``missing``, ``altered`` or ``orphan`` and exits 1 when there is any; the
problems are also recorded as one audit event, so the audit administrator sees the alert.
"""

import os
import sys

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from zhongshu.core import audit
from zhongshu.core.files import hash_stored
from zhongshu.core.models import AuditResult, StoredFile

ROOT = "attachments"
BATCH = 1000


def _walk(directory: str):
    """Every file name under ``directory`` in the default storage."""
    try:
        dirs, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{directory}/{name}"
    for sub in dirs:
        yield from _walk(f"{directory}/{sub}")


class Command(BaseCommand):
    help = "Re-hash stored attachments; report missing, altered and orphan files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-first",
            type=int,
            metavar="N",
            help="Verify only the N files verified least recently (never verified first).",
        )

    def handle(self, *args, stale_first=None, **options):
        rows = StoredFile.objects.order_by(F("verified_at").asc(nulls_first=True), "pk")
        if stale_first is not None:
            rows = rows[: max(stale_first, 0)]
        problems: list[tuple[str, str]] = []
        checked = 0
        for stored in rows.iterator(chunk_size=BATCH):
            checked += 1
            name = stored.storage_name
            if not default_storage.exists(name):
                problems.append(("missing", name))
                continue
            digest, size = hash_stored(name)
            if digest != stored.sha256 or size != stored.size:
                problems.append(("altered", name))
                continue
            StoredFile.objects.filter(pk=stored.pk).update(verified_at=timezone.now())
        problems.extend(("orphan", name) for name in self._orphans())
        for kind, name in problems:
            self.stdout.write(f"{kind} {name}")
        self.stdout.write(f"{checked} stored files checked, {len(problems)} problems.")
        if problems:
            audit.record(
                "file.verify_failed",
                actor_name="manage.py verify_files",
                result=AuditResult.FAILURE,
                object_type="core.storedfile",
                detail={
                    "missing": [n for k, n in problems if k == "missing"][:100],
                    "altered": [n for k, n in problems if k == "altered"][:100],
                    "orphan": [n for k, n in problems if k == "orphan"][:100],
                },
            )
            self.stderr.write(f"FAILED: {len(problems)} files are missing, altered or orphan.")
            sys.exit(1)

    def _orphans(self):
        """Files in storage whose name is not the hash of any StoredFile row."""
        batch: dict[str, str] = {}
        for name in _walk(ROOT):
            batch[os.path.basename(name)] = name
            if len(batch) >= BATCH:
                yield from self._unknown(batch)
                batch = {}
        if batch:
            yield from self._unknown(batch)

    @staticmethod
    def _unknown(batch: dict[str, str]):
        known = set(StoredFile.objects.filter(sha256__in=batch).values_list("sha256", flat=True))
        for sha, name in sorted(batch.items()):
            if sha not in known or name != StoredFile.path_for(sha):
                yield name
