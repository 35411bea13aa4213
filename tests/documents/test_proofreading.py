"""Proofreading of stored documents: counts, the office's typo list, overrides at 审核 and the
findings panel (issue 4 §10; documents/proofreading.py, views_output.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.documents import factories
from tests.documents.factories import OutgoingDocumentFactory
from tests.documents.test_output import REQUEST_BODY, request_document
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core import files
from zhongshu.core.models import AuditEvent
from zhongshu.documents import proofreading, rules
from zhongshu.documents.models import OfficeTypo, OutgoingDocument, ProofreadOverride, State

pytestmark = pytest.mark.django_db
office_clerk = factories.office_clerk


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# R3: a title that does not end with a 文种 — an error, so it blocks 签发.
NO_KIND_TITLE = "市食品药品监督管理局关于购置食品快速检测设备"


@pytest.fixture
def department(unit):
    return DepartmentFactory(unit=unit, name="食品安全监管科", code="SPK")


@pytest.fixture
def drafter(unit, department):
    person = UserFactory(unit=unit, username="drafter", full_name="李拟稿")
    MembershipFactory(user=person, department=department)
    return person


@pytest.fixture
def faulty(drafter, department):
    """A 请示 in 审核 with one error (R3, no 文种 in the title) and one warning (R29, 己经)."""
    body = [
        *REQUEST_BODY[:4],
        {"level": 0, "text": "经费己经列入我局2026年部门预算。"},
        REQUEST_BODY[5],
    ]
    return request_document(drafter, department, title=NO_KIND_TITLE, body=body, state=State.REVIEW)


def rules_of(findings):
    return [(f.rule, str(f.severity), f.location.element) for f in findings]


# --- Running ------------------------------------------------------------------------------------


def test_run_stores_the_counts_without_a_new_version(faulty):
    version = faulty.version

    findings = proofreading.run(faulty)

    assert rules_of(findings) == [("R3", "error", "title"), ("R29", "warning", "body")]
    stored = OutgoingDocument.objects.get(pk=faulty.pk)
    assert (stored.findings_errors, stored.findings_warnings) == (1, 1)
    assert (faulty.findings_errors, faulty.findings_warnings) == (1, 1)
    assert stored.version == version


def test_a_clean_request_has_nothing_to_block(drafter, department):
    document = request_document(drafter, department)

    findings = proofreading.run(document)

    assert findings == []
    assert proofreading.blocking(findings) == []


def test_an_unsigned_request_is_not_blamed_for_its_missing_signer(drafter, department):
    # The 签发人 comes from the signature itself (issue 4 §2): before 签发 it cannot be there.
    document = request_document(drafter, department)

    assert [f for f in proofreading.run(document) if f.rule == "R11"] == []
    assert [c for c in proofreading.check_document(document) if c.finding.rule == "R11"] == []


def test_blocking_is_the_errors(faulty):
    findings = proofreading.run(faulty)

    assert rules_of(proofreading.blocking(findings)) == [("R3", "error", "title")]


def test_the_place_of_a_finding_cuts_the_text_around_it(faulty):
    checked = {c.finding.rule: c for c in proofreading.run_checked(faulty)}

    typo = checked["R29"].place
    assert (typo.element, typo.index, typo.match) == ("body", 4, "己经")
    assert (typo.before, typo.after) == ("经费", "列入我局2026年部门预算。")
    assert checked["R3"].place.element == "title"


def test_keys_are_stable_and_follow_the_text(faulty):
    first = [c.key for c in proofreading.check_document(faulty)]
    again = [c.key for c in proofreading.check_document(faulty)]
    faulty.title = "关于" + NO_KIND_TITLE
    moved = [c.key for c in proofreading.check_document(faulty)]

    assert first == again
    assert all(len(key) == 64 for key in first)
    assert moved[0] != first[0]


def test_a_run_takes_three_queries(faulty, django_assert_num_queries):
    # The attached files' titles, the office's typos, its overrides, and the stored counts.
    with django_assert_num_queries(4):
        proofreading.run(faulty)


def test_the_attachment_list_is_compared_with_the_files_attached(drafter, department, media):
    document = request_document(
        drafter, department, attachment_names=["抽检计划", "设备清单"], state=State.REVIEW
    )
    before = [f for f in proofreading.run(document) if f.rule == "R22"]  # paper: nothing to compare
    for name in ("抽检计划.txt", "经费预算.txt"):
        files.attachment_add(
            actor=drafter,
            owner_type=rules.SUBJECT_KIND,
            owner=document,
            uploaded=SimpleUploadedFile(name, f"{name}的内容".encode()),
        )

    after = [str(f.message) for f in proofreading.run(document) if f.rule == "R22"]

    assert before == []
    assert after == ["The 附件说明 lists “设备清单”, but attachment 2 is titled “经费预算”."]


# --- The office's typo list ---------------------------------------------------------------------


def test_the_office_adds_a_typo_and_the_next_run_reports_it(drafter, department, office_clerk):
    body = [{"level": 0, "text": "请做好食品快速检侧工作。"}]
    document = OutgoingDocumentFactory(drafter=drafter, department=department, body=body)
    assert [f for f in proofreading.run(document) if f.rule == "R29"] == []

    entry = proofreading.typo_add(actor=office_clerk, wrong="检侧", right="检测")

    findings = [f for f in proofreading.run(document) if f.rule == "R29"]
    assert [(f.location.start, f.fix) for f in findings] == [(7, "检测")]
    event = AuditEvent.objects.get(action="documents.typo_added")
    assert event.object_id == str(entry.pk)
    assert event.detail == {"wrong": "检侧", "right": "检测", "exceptions": []}


def test_an_exception_keeps_a_correct_word_quiet(drafter, department, office_clerk):
    body = [{"level": 0, "text": "检侧重点在于快速检侧。"}]
    document = OutgoingDocumentFactory(drafter=drafter, department=department, body=body)

    proofreading.typo_add(actor=office_clerk, wrong="检侧", right="检测", exceptions=["检侧重点"])

    assert [f.location.start for f in proofreading.run(document) if f.rule == "R29"] == [8]


def test_removing_a_typo_takes_it_off_the_list(drafter, department, office_clerk):
    entry = proofreading.typo_add(actor=office_clerk, wrong="检侧", right="检测")

    proofreading.typo_remove(actor=office_clerk, entry=entry)

    entry.refresh_from_db()
    assert entry.deleted_at is not None
    assert "检侧" not in {t.wrong for t in proofreading.office_typos(office_clerk.unit_id)}
    assert AuditEvent.objects.filter(action="documents.typo_removed").count() == 1


def test_the_typo_list_is_per_unit_and_merges_with_the_built_in_one(office_clerk):
    proofreading.typo_add(actor=office_clerk, wrong="己经", right="已经", exceptions=["自己经常"])
    other = UnitFactory(name="区市场监管局", code="QSJ")

    ours = {t.wrong: t for t in proofreading.office_typos(office_clerk.unit_id)}
    theirs = {t.wrong: t for t in proofreading.office_typos(other.pk)}

    assert ours["己经"].exceptions == ("自己经常",)
    assert theirs["己经"] == next(t for t in proofreading.DEFAULT_TYPOS if t.wrong == "己经")
    assert set(ours) == set(theirs)


def test_only_the_office_edits_the_typo_list(drafter):
    with pytest.raises(PermissionDenied):
        proofreading.typo_add(actor=drafter, wrong="检侧", right="检测")

    assert not OfficeTypo.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.typo_added").exists()


@pytest.mark.parametrize(
    ("wrong", "right", "exceptions", "field"),
    [
        ("", "检测", [], "wrong"),
        ("检侧", " ", [], "right"),
        ("检测", "检测", [], "right"),
        ("检侧", "检测", ["重点"], "exceptions"),
        ("检" * 21, "检测", [], "wrong"),
    ],
)
def test_a_bad_typo_entry_is_refused(office_clerk, wrong, right, exceptions, field):
    with pytest.raises(ValidationError) as refused:
        proofreading.typo_add(actor=office_clerk, wrong=wrong, right=right, exceptions=exceptions)

    assert field in refused.value.message_dict
    assert not OfficeTypo.objects.exists()


def test_a_word_is_on_the_list_once(office_clerk):
    proofreading.typo_add(actor=office_clerk, wrong="检侧", right="检测")

    with pytest.raises(ValidationError):
        proofreading.typo_add(actor=office_clerk, wrong="检侧", right="监测")

    assert OfficeTypo.objects.count() == 1


# --- Overrides ----------------------------------------------------------------------------------


def _error_key(document):
    return next(c.key for c in proofreading.check_document(document) if c.is_error)


def test_the_office_lets_an_error_stand_at_review(faulty, office_clerk):
    key = _error_key(faulty)

    row = proofreading.override(
        actor=office_clerk, document=faulty, key=key, reason="标题按市政府要求保留"
    )

    assert (row.rule, row.key, row.reason, row.created_by) == (
        "R3",
        key,
        "标题按市政府要求保留",
        office_clerk,
    )
    assert row.text_version == faulty.text_version
    findings = proofreading.run(faulty)
    assert rules_of(findings) == [("R29", "warning", "body")]
    assert proofreading.blocking(findings) == []
    stored = OutgoingDocument.objects.get(pk=faulty.pk)
    assert (stored.findings_errors, stored.findings_warnings) == (0, 1)
    event = AuditEvent.objects.get(action="documents.proofread_override")
    assert event.object_id == str(faulty.pk)
    assert event.detail["rule"] == "R3"
    assert event.detail["reason"] == "标题按市政府要求保留"


def test_blocking_given_the_document_applies_its_overrides(faulty, office_clerk):
    proofreading.override(
        actor=office_clerk, document=faulty, key=_error_key(faulty), reason="保留"
    )
    raw = [c.finding for c in proofreading.check_document(faulty)]

    assert len(proofreading.blocking(raw)) == 1
    assert proofreading.blocking(raw, document=faulty) == []


def test_an_override_lapses_when_the_text_changes(faulty, office_clerk):
    proofreading.override(
        actor=office_clerk, document=faulty, key=_error_key(faulty), reason="保留"
    )

    faulty.title = "关于" + NO_KIND_TITLE
    faulty.save()

    assert ("R3", "error", "title") in rules_of(proofreading.run(faulty))


def _nothing_overridden(document):
    assert not ProofreadOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.proofread_override").exists()
    assert OutgoingDocument.objects.get(pk=document.pk).state == document.state


def test_the_drafter_may_not_override(faulty, drafter):
    with pytest.raises(PermissionDenied):
        proofreading.override(actor=drafter, document=faulty, key=_error_key(faulty), reason="x")

    _nothing_overridden(faulty)


def test_no_override_outside_review(faulty, office_clerk):
    OutgoingDocument.objects.filter(pk=faulty.pk).update(state=State.DRAFT)
    faulty.refresh_from_db()

    with pytest.raises(proofreading.NotAtReview):
        proofreading.override(
            actor=office_clerk, document=faulty, key=_error_key(faulty), reason="保留"
        )

    _nothing_overridden(faulty)


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_an_override_needs_a_reason(faulty, office_clerk, reason):
    with pytest.raises(ValidationError) as refused:
        proofreading.override(
            actor=office_clerk, document=faulty, key=_error_key(faulty), reason=reason
        )

    assert "reason" in refused.value.message_dict
    _nothing_overridden(faulty)


def test_a_warning_or_an_unknown_key_cannot_be_overridden(faulty, office_clerk):
    warning = next(c.key for c in proofreading.check_document(faulty) if not c.is_error)

    for key in (warning, "0" * 64):
        with pytest.raises(ValidationError):
            proofreading.override(actor=office_clerk, document=faulty, key=key, reason="保留")

    _nothing_overridden(faulty)


def test_the_office_of_another_unit_may_not_override(faulty):
    other = UnitFactory(name="区市场监管局", code="QSJ")
    clerk = UserFactory(unit=other, username="otherclerk")
    MembershipFactory(user=clerk, department=DepartmentFactory(unit=other, is_general_office=True))

    with pytest.raises(PermissionDenied):
        proofreading.override(actor=clerk, document=faulty, key=_error_key(faulty), reason="x")

    _nothing_overridden(faulty)


# --- The findings panel ------------------------------------------------------------------------


def test_the_panel_lists_findings_with_their_place(client, faulty, drafter):
    login(client, drafter)

    response = client.get(
        reverse("documents:document_findings", args=[faulty.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section")  # the partial, without the page shell
    assert "1 error" in html and "1 warning" in html
    assert "Title" in html and "Body, paragraph 5" in html
    assert "<mark>己经</mark>" in html
    assert "Let it stand" not in html  # the drafter does not override


def test_the_panel_offers_the_office_an_override_at_review(client, faulty, office_clerk):
    login(client, office_clerk)

    response = client.get(reverse("documents:document_findings", args=[faulty.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<!doctype html>" in html  # a page of its own without htmx
    assert html.count('name="key"') == 1  # the error only
    assert _error_key(faulty) in html


def test_the_panel_is_404_for_a_colleague_not_involved(client, unit, faulty, department):
    colleague = UserFactory(unit=unit, username="colleague")
    MembershipFactory(user=colleague, department=department)
    login(client, colleague)

    response = client.get(reverse("documents:document_findings", args=[faulty.pk]))

    assert response.status_code == 404


def test_overriding_through_htmx_swaps_the_panel(client, faulty, office_clerk):
    login(client, office_clerk)

    response = client.post(
        reverse("documents:finding_override", args=[faulty.pk]),
        {"key": _error_key(faulty), "reason": "标题按市政府要求保留"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The finding stands" in html
    assert "0 errors" in html
    assert "标题按市政府要求保留" in html  # listed among the findings let stand
    assert ProofreadOverride.objects.filter(document=faulty).count() == 1


def test_overriding_with_a_plain_form_goes_back_to_the_page(client, faulty, office_clerk):
    login(client, office_clerk)
    page = f"/documents/{faulty.pk}/"

    response = client.post(
        reverse("documents:finding_override", args=[faulty.pk]),
        {"key": _error_key(faulty), "reason": "保留", "next": page},
    )

    assert response.status_code == 302
    assert response.url == page


def test_an_override_without_reason_answers_400_and_keeps_nothing(client, faulty, office_clerk):
    login(client, office_clerk)

    response = client.post(
        reverse("documents:finding_override", args=[faulty.pk]),
        {"key": _error_key(faulty), "reason": ""},
    )

    assert response.status_code == 400
    assert b"Give the reason" in response.content
    _nothing_overridden(faulty)


def test_an_override_outside_review_answers_409(client, faulty, office_clerk):
    OutgoingDocument.objects.filter(pk=faulty.pk).update(state=State.SIGNED)
    login(client, office_clerk)

    response = client.post(
        reverse("documents:finding_override", args=[faulty.pk]),
        {"key": _error_key(faulty), "reason": "保留"},
    )

    assert response.status_code == 409
    assert not ProofreadOverride.objects.exists()


def test_the_drafter_posting_an_override_is_refused(client, faulty, drafter):
    login(client, drafter)

    response = client.post(
        reverse("documents:finding_override", args=[faulty.pk]),
        {"key": _error_key(faulty), "reason": "保留"},
    )

    assert response.status_code == 403
    _nothing_overridden(faulty)


# --- The typo list page ------------------------------------------------------------------------


def test_the_office_adds_and_removes_words_on_its_page(client, office_clerk):
    login(client, office_clerk)
    url = reverse("documents:typo_list")

    page = client.get(url)
    added = client.post(url, {"wrong": "检侧", "right": "检测", "exceptions": "检侧重点，检侧面"})
    entry = OfficeTypo.objects.get()
    listed = client.get(url)
    removed = client.post(reverse("documents:typo_delete", args=[entry.pk]))

    assert page.status_code == 200 and "己经" in page.content.decode()  # the built-in words
    assert added.status_code == 302
    assert entry.exceptions == ["检侧重点", "检侧面"]
    assert "检侧重点、检侧面" in listed.content.decode()
    assert removed.status_code == 302
    assert not OfficeTypo.objects.filter(deleted_at__isnull=True).exists()


def test_a_bad_word_answers_400_on_the_page(client, office_clerk):
    login(client, office_clerk)

    response = client.post(reverse("documents:typo_list"), {"wrong": "检测", "right": "检测"})

    assert response.status_code == 400
    assert not OfficeTypo.objects.exists()


def test_the_typo_page_is_for_the_office(client, drafter):
    login(client, drafter)

    assert client.get(reverse("documents:typo_list")).status_code == 403
    assert (
        client.post(reverse("documents:typo_list"), {"wrong": "检侧", "right": "检测"}).status_code
        == 403
    )
    assert not OfficeTypo.objects.exists()


def test_another_units_word_is_404(client, office_clerk):
    other = UnitFactory(name="区市场监管局", code="QSJ")
    theirs = OfficeTypo.objects.create(unit=other, wrong="检侧", right="检测")
    login(client, office_clerk)

    response = client.post(reverse("documents:typo_delete", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None
