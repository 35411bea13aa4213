"""security.md C3: the audit table is insert-only and tampering is found by verify_audit."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from zhongshu.core import audit
from zhongshu.core.models import AuditEvent


def _events(n):
    return [audit.record("test.event", object_type="test", object_id=str(i)) for i in range(n)]


def _verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", "--no-record", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _without_guard(sql, params):
    """Run raw SQL with the guard lifted, then put it back (the only way to tamper)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_guard")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
            cursor.execute(sql, params)
            cursor.execute(audit.SQLITE_NO_UPDATE)
            cursor.execute(audit.SQLITE_NO_DELETE)


@pytest.mark.django_db
def test_queryset_update_is_refused_by_the_database():
    first, _ = _events(2)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(action="test.forged")
    assert AuditEvent.objects.get(pk=first.pk).action == "test.event"


@pytest.mark.django_db
def test_queryset_delete_is_refused_by_the_database():
    _events(3)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_instance_save_and_delete_are_refused_by_the_database():
    event = _events(1)[0]
    event.actor_name = "someone else"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        event.save()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_name == ""


@pytest.mark.django_db
def test_verify_audit_passes_on_an_intact_chain():
    _events(5)
    code, out, err = _verify()
    assert code == 0
    assert out.strip() == "OK: 5 events verified"
    assert err == ""


@pytest.mark.django_db
def test_verify_audit_records_the_check_unless_told_not_to():
    _events(2)
    call_command("verify_audit", stdout=io.StringIO())
    check = AuditEvent.objects.get(action="audit.verify")
    assert check.result == "success"
    assert check.detail == {"checked": 2, "problem": ""}


@pytest.mark.django_db
def test_altered_row_is_named_and_exit_status_is_1():
    events = _events(5)
    _without_guard(
        "UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["forged", events[2].pk]
    )
    assert AuditEvent.objects.get(pk=events[2].pk).object_repr == "forged"
    code, out, err = _verify()
    assert code == 1
    assert f"event #{events[2].pk} was altered" in err
    assert out == ""


@pytest.mark.django_db
def test_guard_is_back_after_tampering():
    events = _events(2)
    _without_guard("UPDATE core_auditevent SET ip = %s WHERE id = %s", ["10.0.0.1", events[0].pk])
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(ip="10.0.0.2")


@pytest.mark.django_db
def test_deleted_middle_row_is_named_as_missing():
    events = _events(5)
    _without_guard("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    code, out, err = _verify()
    assert code == 1
    assert f"event #{events[2].pk} is missing" in err


@pytest.mark.django_db
def test_deleted_newest_row_is_found_through_the_chain_head():
    events = _events(3)
    _without_guard("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    code, out, err = _verify()
    assert code == 1
    assert f"after #{events[1].pk} are missing" in err


@pytest.mark.django_db
def test_rehashed_row_breaks_the_link_to_the_next_one():
    events = _events(3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.object_repr = "forged"
    new_hash = audit.compute_hash(forged.prev_hash, forged)
    _without_guard(
        "UPDATE core_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
        ["forged", new_hash, forged.pk],
    )
    code, out, err = _verify()
    assert code == 1
    assert f"event #{events[2].pk} does not follow the previous event" in err


@pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_leave_one_valid_chain():
    errors = []
    barrier = threading.Barrier(20)

    def append(i):
        try:
            barrier.wait(timeout=10)
            audit.record("test.concurrent", object_type="test", object_id=str(i))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() == 20
    assert sorted(AuditEvent.objects.values_list("object_id", flat=True)) == sorted(
        str(i) for i in range(20)
    )
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == list(
        range(1, 21)
    )
    ok, checked, problem = audit.verify_chain()
    assert (ok, checked, problem) == (True, 20, "")
