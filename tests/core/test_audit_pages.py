"""The audit administrator's pages: list with filters and keyset paging, detail, export."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhongshu.core import audit
from zhongshu.core.audit_labels import ACTION_LABELS
from zhongshu.core.models import AuditEvent, AuditResult
from zhongshu.core.views_audit import PAGE_SIZE

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("core:audit_list")
EXPORT = reverse("core:audit_export")


def _seed(n, action="test.event", **kwargs):
    kwargs.setdefault("object_type", "test.thing")
    return [audit.record(action, **kwargs) for _ in range(n)]


def _ids(response):
    return [row.pk for row in response.context["rows"]]


@pytest.fixture
def as_auditor(client, auditor, login_as):
    login_as(auditor)
    return client


# --- Who may read it ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "sysadmin", "secadmin"])
@pytest.mark.parametrize("url_name", ["core:audit_list", "core:audit_export", "core:audit_detail"])
def test_everybody_but_the_auditor_is_refused_and_the_refusal_is_audited(
    request, client, login_as, role, url_name
):
    user = request.getfixturevalue(role)
    target = _seed(1)[0]
    login_as(user)
    url = reverse(url_name, args=[target.pk] if url_name == "core:audit_detail" else [])
    before = AuditEvent.objects.count()

    response = client.get(url)

    assert response.status_code == 403
    assert b"test.event" not in response.content
    denied = AuditEvent.objects.filter(pk__gt=before)
    assert [(e.action, e.result, e.actor_id) for e in denied] == [
        ("access.denied", AuditResult.DENIED, user.pk)
    ]
    assert denied[0].detail["path"] == url
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("url", [LIST, EXPORT, "/audit/1/"])
def test_anonymous_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))
    assert not AuditEvent.objects.exists()


def test_the_auditor_lands_on_the_audit_log(as_auditor):
    response = as_auditor.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == LIST


# --- The list -----------------------------------------------------------------------------


def test_list_shows_newest_first_with_labels(as_auditor, staff):
    audit.record("auth.login", actor=staff, obj=staff)
    audit.record("org.department_created", actor=staff, object_type="org.department")
    response = as_auditor.get(LIST)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.action for r in rows][:2] == ["org.department_created", "auth.login"]
    assert rows[0].action_label is ACTION_LABELS["org.department_created"]
    body = response.content.decode()
    assert reverse("core:audit_detail", args=[rows[0].pk]) in body
    assert "HX-Request" in response["Vary"]


def test_unknown_action_code_falls_back_to_the_code(as_auditor):
    audit.record("module.something_new")
    response = as_auditor.get(LIST, {"action_prefix": "module."})
    assert [r.action_label for r in response.context["rows"]] == ["module.something_new"]


def test_filter_by_user_name(as_auditor, staff, sysadmin):
    mine = audit.record("auth.login", actor=staff)
    audit.record("auth.login", actor=sysadmin)
    response = as_auditor.get(LIST, {"who": "staf"})
    assert _ids(response) == [mine.pk]


def test_filter_by_action_and_by_action_prefix(as_auditor, staff):
    login = audit.record("auth.login", actor=staff)
    dept = audit.record("org.department_created", actor=staff)
    unit = audit.record("org.unit_created", actor=staff)
    assert _ids(as_auditor.get(LIST, {"action": "auth.login"})) == [login.pk]
    assert _ids(as_auditor.get(LIST, {"action_prefix": "org."})) == [unit.pk, dept.pk]


def test_filter_by_result(as_auditor):
    audit.record("auth.login")
    failed = audit.record("auth.login_failed", result=AuditResult.FAILURE)
    assert _ids(as_auditor.get(LIST, {"result": "failure"})) == [failed.pk]


def test_filter_by_object_type_and_id(as_auditor):
    a = audit.record("org.person_updated", object_type="org.user", object_id="7")
    audit.record("org.person_updated", object_type="org.user", object_id="8")
    audit.record("org.unit_updated", object_type="org.unit", object_id="7")
    assert _ids(as_auditor.get(LIST, {"object_type": "org.user", "object_id": "7"})) == [a.pk]


def test_dates_are_whole_days_in_shanghai(as_auditor):
    def at(*args):
        with time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False):
            return audit.record("test.event")

    early = at(2026, 3, 1, 0, 10)  # 2026-02-28 16:10 UTC
    late = at(2026, 3, 1, 23, 50)  # 2026-03-01 15:50 UTC
    at(2026, 3, 2, 0, 5)  # 2026-03-01 16:05 UTC: the next day in Shanghai
    at(2026, 2, 28, 23, 59)
    response = as_auditor.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert _ids(response) == [late.pk, early.pk]


def test_bad_filters_get_a_400_with_field_errors_not_a_500(as_auditor):
    _seed(2)
    response = as_auditor.get(
        LIST, {"date_from": "yesterday", "action": "no.such", "before": "x' OR 1=1"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date_from", "action"}
    assert response.context["rows"] == []


def test_end_date_before_start_date_is_an_error(as_auditor):
    response = as_auditor.get(LIST, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


def test_keyset_paging_older_and_newer(as_auditor):
    events = _seed(PAGE_SIZE * 2 + 5)
    newest_first = [e.pk for e in reversed(events)]

    first = as_auditor.get(LIST)
    assert _ids(first) == newest_first[:PAGE_SIZE]
    assert first.context["newer_url"] == ""
    assert first.context["older_url"] == f"?before={newest_first[PAGE_SIZE - 1]}"

    second = as_auditor.get(LIST + first.context["older_url"])
    assert _ids(second) == newest_first[PAGE_SIZE : PAGE_SIZE * 2]
    assert second.context["newer_url"] == f"?after={newest_first[PAGE_SIZE]}"

    third = as_auditor.get(LIST + second.context["older_url"])
    assert _ids(third) == newest_first[PAGE_SIZE * 2 :]
    assert third.context["older_url"] == ""

    back = as_auditor.get(LIST + third.context["newer_url"])
    assert _ids(back) == _ids(second)
    back_to_top = as_auditor.get(LIST + back.context["newer_url"])
    assert _ids(back_to_top) == _ids(first)
    assert back_to_top.context["newer_url"] == ""


def test_paging_links_keep_the_filters(as_auditor):
    _seed(PAGE_SIZE + 1, action="org.unit_updated")
    _seed(3, action="auth.login")
    response = as_auditor.get(LIST, {"action_prefix": "org."})
    assert response.context["older_url"].startswith("?action_prefix=org.&before=")
    older = as_auditor.get(LIST + response.context["older_url"])
    assert len(older.context["rows"]) == 1
    assert older.context["rows"][0].action == "org.unit_updated"


def test_counts_are_capped_never_a_full_count(as_auditor, monkeypatch):
    monkeypatch.setattr("zhongshu.core.views_audit.COUNT_CAP", 10)
    _seed(12)
    with CaptureQueriesContext(connection) as queries:
        response = as_auditor.get(LIST)
    assert response.context["count_capped"] is True
    assert response.context["count"] == 10
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_htmx_request_gets_only_the_table(as_auditor):
    _seed(3)
    response = as_auditor.get(LIST, {"result": "success"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="audit-table">')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_empty_list_says_what_to_do(as_auditor):
    response = as_auditor.get(LIST, {"action_prefix": "nothing."})
    assert response.status_code == 200
    assert 'class="empty-state"' in response.content.decode()


def _list_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_list_runs_a_constant_number_of_queries(as_auditor, staff, django_assert_max_num_queries):
    as_auditor.get(LIST)  # first request of a session: session and configuration rows written
    for _ in range(5):
        audit.record("auth.login", actor=staff, obj=staff, detail={"x": 1})
    few, rows = _list_queries(as_auditor, django_assert_max_num_queries, 8)
    assert rows == 5
    for _ in range(45):
        audit.record("auth.login", actor=staff, obj=staff, detail={"x": 1})
    many, rows = _list_queries(as_auditor, django_assert_max_num_queries, 8)
    assert rows == PAGE_SIZE
    assert many == few


# --- The detail page ----------------------------------------------------------------------


def test_detail_shows_every_field_the_change_and_the_hashes(as_auditor, staff):
    event = audit.record(
        "account.profile_updated",
        actor=staff,
        obj=staff,
        detail={"email": {"before": "a@example.cn", "after": "b@example.cn"}, "note": [1, 2]},
    )
    response = as_auditor.get(reverse("core:audit_detail", args=[event.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        f"#{event.pk}",
        "account.profile_updated",
        staff.username,
        "a@example.cn",
        "b@example.cn",
        "[1, 2]",
        event.hash,
        event.prev_hash,
        "org.user",
    ):
        assert text in body
    assert response.context["hash_ok"] is True
    assert response.context["detail_paired"] is True


def test_detail_of_a_missing_event_is_404(as_auditor):
    assert as_auditor.get(reverse("core:audit_detail", args=[999999])).status_code == 404


def test_detail_is_read_without_being_audited(as_auditor):
    event = _seed(1)[0]
    as_auditor.get(reverse("core:audit_detail", args=[event.pk]))
    as_auditor.get(LIST)
    assert AuditEvent.objects.count() == 1


# --- Export -------------------------------------------------------------------------------


def test_export_holds_the_filtered_rows_and_is_audited_once(as_auditor, auditor, staff):
    audit.record("auth.login", actor=staff)
    audit.record("org.unit_created", actor=staff, object_repr="=HYPERLINK(evil)")
    audit.record("org.unit_updated", actor=staff)

    response = as_auditor.get(EXPORT, {"action_prefix": "org.", "who": "staff"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[6] for r in rows] == ["org.unit_updated", "org.unit_created"]
    assert rows[1][11] == "'=HYPERLINK(evil)"
    exports = AuditEvent.objects.filter(action="audit.export")
    assert exports.count() == 1
    export = exports.get()
    assert export.actor_id == auditor.pk
    assert export.detail == {"filters": {"who": "staff", "action_prefix": "org."}, "rows": 2}


def test_export_is_capped(as_auditor, monkeypatch):
    monkeypatch.setattr("zhongshu.core.views_audit.EXPORT_CAP", 3)
    _seed(5)
    response = as_auditor.get(EXPORT)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 3
    export = AuditEvent.objects.get(action="audit.export")
    assert export.detail == {"filters": {}, "rows": 3, "capped": True}


def test_export_with_bad_filters_is_400_and_not_audited(as_auditor):
    response = as_auditor.get(EXPORT, {"date_to": "not a date"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_export_link_carries_the_filters(as_auditor):
    response = as_auditor.get(LIST, {"action_prefix": "org."})
    assert f'href="{EXPORT}?action_prefix=org."' in response.content.decode()


def test_every_audited_code_has_a_label():
    """Codes written by the source (literal first arguments of audit.record and of the modules'
    _audit helpers) read translated."""
    import re
    from pathlib import Path

    from zhongshu.workflow.models import Decision

    source = Path(__file__).resolve().parents[2] / "zhongshu"
    # audit.record("…"), and a module's own _audit("…", …) helper that calls it
    call = re.compile(r"(?:(?:audit\.)?record|\b_audit)\(\s*\"([a-z_]+\.[a-z_]+)\"")
    conditional = re.compile(r"\"([a-z_]+\.[a-z_]+)\" if [^\n]+ else \"([a-z_]+\.[a-z_]+)\"")
    codes = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "record(" not in text:
            continue
        codes.update(call.findall(text))
        for pair in conditional.findall(text):
            codes.update(pair)
    codes.update(f"workflow.{decision}" for decision in Decision.values)
    assert len(codes) > 40
    assert sorted(codes - set(ACTION_LABELS)) == []
