"""security.md C5: if the audit write fails, the business change rolls back."""

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from zhongshu.core import audit
from zhongshu.core.models import AuditEvent
from zhongshu.org.models import User


@pytest.fixture
def quiet_client():
    """Exceptions become the 500 page instead of propagating into the test."""
    return Client(raise_request_exception=False)


def _broken_record(*args, **kwargs):
    raise DatabaseError("audit store unavailable")


def test_profile_change_rolls_back_when_the_audit_write_fails(quiet_client, staff, monkeypatch):
    staff.language = "zh-hans"
    staff.email = "old@example.cn"
    staff.save()
    login(quiet_client, staff)
    events_before = AuditEvent.objects.count()
    monkeypatch.setattr(audit, "record", _broken_record)

    response = quiet_client.post(
        reverse("org:profile"), {"language": "en", "email": "new@example.cn"}
    )

    assert response.status_code == 500
    stored = User.objects.get(pk=staff.pk)
    assert stored.language == "zh-hans"
    assert stored.email == "old@example.cn"
    assert AuditEvent.objects.count() == events_before


def test_profile_change_is_stored_and_audited_when_the_audit_write_works(quiet_client, staff):
    staff.language = "zh-hans"
    staff.save()
    login(quiet_client, staff)

    response = quiet_client.post(
        reverse("org:profile"), {"language": "en", "email": "new@example.cn"}
    )

    assert response.status_code == 302
    stored = User.objects.get(pk=staff.pk)
    assert (stored.language, stored.email) == ("en", "new@example.cn")
    event = AuditEvent.objects.get(action="account.profile_updated")
    assert event.detail["language"] == {"before": "zh-hans", "after": "en"}
