"""security.md C4: audit events are kept at least 184 days; the purge refuses a shorter period."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from zhongshu.core import audit
from zhongshu.core.models import AuditCheckpoint, AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _event_at(when, name):
    with time_machine.travel(when, tick=False):
        return audit.record("test.event", object_type="test", object_id=name)


def _verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", "--no-record", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def aged_events(db):
    now = timezone.now()
    return {
        "400d": _event_at(now - timedelta(days=400), "400d"),
        "200d": _event_at(now - timedelta(days=200), "200d"),
        "185d": _event_at(now - timedelta(days=185), "185d"),
        "183d": _event_at(now - timedelta(days=183), "183d"),
        "1d": _event_at(now - timedelta(days=1), "1d"),
        "now": _event_at(now, "now"),
    }


def test_purge_keeps_a_row_from_183_days_ago_and_removes_older(aged_events):
    out = io.StringIO()
    call_command("purge_audit", "--days", "184", stdout=out)
    assert "Purged 3 audit events" in out.getvalue()
    kept = set(AuditEvent.objects.filter(action="test.event").values_list("object_id", flat=True))
    assert kept == {"183d", "1d", "now"}
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.first_kept_id == aged_events["183d"].pk
    assert checkpoint.prev_hash == aged_events["185d"].hash
    assert checkpoint.purged_count == 3


def test_chain_still_verifies_from_the_checkpoint_after_a_purge(aged_events):
    call_command("purge_audit", "--days", "184", stdout=io.StringIO())
    code, out, err = _verify()
    assert code == 0, err
    # The three kept test events and the purge's own event.
    assert out.strip() == "OK: 4 events verified"


def test_purge_records_itself(aged_events):
    call_command("purge_audit", "--days", "184", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="audit.purge")
    assert event.detail["days"] == 184
    assert event.detail["purged"] == 3
    assert event.pk == AuditEvent.objects.order_by("-pk").first().pk


def test_purge_with_nothing_old_enough_removes_nothing(db):
    _event_at(timezone.now() - timedelta(days=100), "100d")
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "Purged 0 audit events" in out.getvalue()
    assert AuditEvent.objects.filter(action="test.event").count() == 1
    assert AuditCheckpoint.objects.count() == 0


def test_purge_command_refuses_fewer_than_184_days(aged_events):
    with pytest.raises(CommandError, match="at least 184 days"):
        call_command("purge_audit", "--days", "183", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 6
    assert not AuditEvent.objects.filter(action="audit.purge").exists()


@override_settings(AUDIT_RETENTION_DAYS=180)
def test_purge_command_refuses_a_short_retention_setting(aged_events):
    with pytest.raises(CommandError, match="at least 184 days"):
        call_command("purge_audit", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 6


def test_purge_function_raises_improperly_configured_below_184_days(aged_events):
    with pytest.raises(ImproperlyConfigured):
        audit.purge(before=timezone.now() - timedelta(days=180), retention_days=180)
    assert AuditEvent.objects.count() == 6


def test_purge_function_refuses_a_cut_off_inside_the_retention_period(aged_events):
    with pytest.raises(ValueError):
        audit.purge(before=timezone.now() - timedelta(days=100), retention_days=184)
    assert AuditEvent.objects.count() == 6


def test_settings_refuse_audit_retention_days_180():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ZHONGSHU_MODE"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "zhongshu.settings",
        "ZHONGSHU_MODE": "demo",
        "AUDIT_RETENTION_DAYS": "180",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "AUDIT_RETENTION_DAYS must be at least 184" in result.stderr
