"""/healthz for load balancers and monitoring, and the queue consumer's heartbeat."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from zhongshu.core.models import Heartbeat
from zhongshu.core.tasks import consumer_heartbeat


@pytest.mark.django_db
def test_healthz_is_public_json_with_database_ok(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    assert body["queue"] == "no heartbeat yet"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_fresh_heartbeat_as_ok(client):
    Heartbeat.objects.create(name="consumer", at=timezone.now() - timedelta(seconds=30))
    body = client.get(reverse("core:healthz")).json()
    assert body["queue"] == "ok"
    assert 29 <= body["queue_heartbeat_age_seconds"] <= 31


@pytest.mark.django_db
def test_healthz_reports_an_old_heartbeat_as_stale(client):
    age = settings.QUEUE_HEARTBEAT_STALE_SECONDS + 60
    Heartbeat.objects.create(name="consumer", at=timezone.now() - timedelta(seconds=age))
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["queue"] == "stale"


@pytest.mark.django_db
def test_healthz_answers_503_without_a_database(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable"
    assert body["status"] == "error"


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post(reverse("core:healthz")).status_code == 405


@pytest.mark.django_db
def test_consumer_heartbeat_task_writes_and_then_refreshes_the_row():
    consumer_heartbeat.call_local()
    first = Heartbeat.objects.get(name="consumer").at
    assert timezone.now() - first < timedelta(seconds=5)
    consumer_heartbeat()  # immediate mode in tests: runs at once, same result
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get(name="consumer").at >= first


@pytest.mark.django_db
def test_healthz_is_ok_after_the_heartbeat_task_ran(client):
    consumer_heartbeat.call_local()
    assert client.get(reverse("core:healthz")).json()["queue"] == "ok"
