"""The attachments panel: list, upload, remove, for the owner kinds modules register
(CONVENTIONS.md "Files"; security.md C1, E2, E3, F9; UI.md "An item").

The owner is the test app's Request (``tests/testapp/apps.py``): the requester and the people in
its approval may see its files; only the requester adds and removes them, until the approval
has ended.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.testapp.models import Request
from zhongshu.core import files
from zhongshu.core.models import Attachment, AuditEvent, StoredFile
from zhongshu.workflow.models import Route, Run, WorkItem

OWNER = "testapp.request"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OTHER_PDF = PDF + b"% another\n"
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return tmp_path


@pytest.fixture
def requester(unit):
    return UserFactory(unit=unit, username="requester", full_name="申请人")


@pytest.fixture
def approver(unit):
    return UserFactory(unit=unit, username="approver", full_name="审批人")


@pytest.fixture
def outsider(unit):
    """Same unit, cleared like the others, but not in this request's approval."""
    return UserFactory(unit=unit, username="outsider", full_name="旁人")


@pytest.fixture
def req(unit, requester, approver):
    """A request in approval: ``approver`` holds its open work item."""
    obj = Request.objects.create(
        unit=unit, title="采购办公用品", created_by=requester, state="started"
    )
    route = Route.objects.create(unit=unit, kind=OWNER, name="经费申请")
    run = Run.objects.create(
        unit=unit,
        kind=OWNER,
        subject_id=obj.pk,
        route=route,
        submitter=requester,
        title=obj.title,
        url=f"/requests/{obj.pk}/",
    )
    WorkItem.objects.create(
        run=run,
        unit_id=unit.pk,
        step_order=1,
        step_name="处室审核",
        assignee=approver,
        kind=OWNER,
        title=obj.title,
        url=run.url,
    )
    return obj


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def attach(actor, owner, name="report.pdf", content=PDF):
    return files.attachment_add(
        actor=actor, owner_type=OWNER, owner=owner, uploaded=upload(name, content)
    )


def panel_url(owner):
    return reverse("core:attachment_panel", args=[OWNER, owner.pk])


def upload_url(owner):
    return reverse("core:attachment_upload", args=[OWNER, owner.pk])


def delete_url(attachment):
    return reverse("core:attachment_delete", args=[attachment.pk])


def live(owner):
    return list(
        Attachment.objects.filter(
            owner_type=OWNER, owner_id=str(owner.pk), deleted_at__isnull=True
        ).values_list("name", flat=True)
    )


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Listing ------------------------------------------------------------------------------------


def test_the_requester_sees_the_files_with_their_details(client, login_as, requester, req):
    attachment = attach(requester, req, "关于采购的请示.pdf")
    login_as(requester)

    response = client.get(panel_url(req))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html  # without htmx: a page of its own, around the panel
    assert "关于采购的请示.pdf" in html
    assert reverse("core:file_download", args=[attachment.pk]) in html
    assert f"{len(PDF)}\xa0bytes" in html
    assert ">PDF<" in html
    assert "申请人" in html
    assert delete_url(attachment) in html and upload_url(req) in html
    assert 'enctype="multipart/form-data"' in html


def test_htmx_gets_the_panel_alone(client, login_as, requester, req):
    attach(requester, req)
    login_as(requester)

    response = client.get(panel_url(req), **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "data-attachments-panel" in html
    assert 'hx-target="closest [data-attachments-panel]"' in html
    assert "HX-Request" in response["Vary"]


def test_a_person_in_the_approval_sees_the_files_but_no_controls(
    client, login_as, requester, approver, req
):
    attachment = attach(requester, req)
    login_as(approver)

    response = client.get(panel_url(req), **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "report.pdf" in html
    assert delete_url(attachment) not in html and upload_url(req) not in html
    assert client.get(reverse("core:file_download", args=[attachment.pk])).status_code == 200


def test_an_empty_panel_says_what_to_do(client, login_as, requester, req):
    login_as(requester)

    response = client.get(panel_url(req), **HX)

    assert "No attachments yet. Choose files below to add them." in response.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_panel_takes_a_constant_number_of_queries(
    client, login_as, requester, req, django_assert_max_num_queries, count
):
    for i in range(count):
        attach(requester, req, f"file{i}.txt", f"第{i}份".encode())
    login_as(requester)
    client.get(panel_url(req), **HX)  # session and caches warmed

    with django_assert_max_num_queries(5):
        response = client.get(panel_url(req), **HX)

    html = response.content.decode()
    assert html.count("<section") == 1
    assert html.count('<details class="flex-shrink-0 text-end">') == count


def test_the_query_count_does_not_grow_with_the_files(client, login_as, requester, req):
    login_as(requester)
    attach(requester, req, "a.txt", b"a")
    client.get(panel_url(req), **HX)
    with CaptureQueriesContext(connection) as one:
        client.get(panel_url(req), **HX)
    for i in range(19):
        attach(requester, req, f"f{i}.txt", f"{i}".encode())
    with CaptureQueriesContext(connection) as twenty:
        client.get(panel_url(req), **HX)

    assert len(twenty) == len(one)


# --- Uploading ----------------------------------------------------------------------------------


def test_a_plain_form_upload_attaches_and_goes_back_to_the_page(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("请示.pdf", PDF)], "next": "/requests/1/?tab=files"}
    )

    assert response.status_code == 302 and response.url == "/requests/1/?tab=files"
    assert flashed(response) == ["“请示.pdf” attached."]
    assert live(req) == ["请示.pdf"]
    attachment = Attachment.objects.get()
    assert attachment.uploaded_by == requester and attachment.unit_id == req.unit_id
    event = AuditEvent.objects.get(action="file.attached")
    assert event.actor == requester and event.object_id == str(attachment.pk)
    assert event.detail["owner_type"] == OWNER and event.detail["owner_id"] == str(req.pk)


def test_several_files_at_once_with_htmx(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("a.pdf", PDF), upload("b.txt", b"notes")]}, **HX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 files attached." in html
    assert "a.pdf" in html and "b.txt" in html
    assert live(req) == ["a.pdf", "b.txt"]
    assert AuditEvent.objects.filter(action="file.attached").count() == 2


def test_a_refused_file_writes_nothing_and_the_others_are_kept(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("good.pdf", PDF), upload("evil.pdf", HTML)]}, **HX
    )

    html = response.content.decode()
    assert "“good.pdf” attached." in html
    assert "“evil.pdf” was not attached: This file is not a PDF although it is named .pdf." in html
    assert 'role="alert"' in html
    assert live(req) == ["good.pdf"]
    assert StoredFile.objects.count() == 1
    assert AuditEvent.objects.filter(action="file.attached").count() == 1


def test_html_renamed_to_pdf_is_refused(client, login_as, requester, req, media):
    login_as(requester)

    response = client.post(upload_url(req), {"files": [upload("evil.pdf", HTML)]})

    assert response.status_code == 302
    assert flashed(response) == [
        "“evil.pdf” was not attached: This file is not a PDF although it is named .pdf."
    ]
    assert Attachment.objects.count() == 0 and StoredFile.objects.count() == 0
    assert [p for p in (media / "media").rglob("*") if p.is_file()] == []
    assert list((media / "tmp").iterdir()) == []


def test_a_file_over_the_limit_is_refused_naming_the_limit(
    client, login_as, requester, req, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"\x00" * (1024 * 1024 + 1 - len(PDF))
    login_as(requester)

    response = client.post(upload_url(req), {"files": [upload("big.pdf", big)]}, **HX)

    assert (
        "“big.pdf” was not attached: The file is larger than the limit of 1 MB."
        in response.content.decode()
    )
    assert Attachment.objects.count() == 0 and StoredFile.objects.count() == 0


def test_an_empty_file_is_refused(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("empty.txt", b""), upload("blank.pdf", b"")]}, **HX
    )

    html = response.content.decode()
    assert "“empty.txt” was not attached: The file is empty." in html
    assert "“blank.pdf” was not attached: The file is empty." in html
    assert Attachment.objects.count() == 0 and StoredFile.objects.count() == 0


def test_submitting_no_file_says_so(client, login_as, requester, req):
    login_as(requester)

    response = client.post(upload_url(req), {"next": panel_url(req)})

    assert response.status_code == 302
    assert flashed(response) == ["Choose a file to upload."]


def test_the_same_file_twice_is_attached_once(client, login_as, requester, req):
    login_as(requester)
    client.post(upload_url(req), {"files": [upload("a.pdf", PDF)]}, **HX)

    response = client.post(upload_url(req), {"files": [upload("copy.pdf", PDF)]}, **HX)

    assert (
        "“copy.pdf” was not attached: This file is already attached as “a.pdf”."
        in response.content.decode()
    )
    assert live(req) == ["a.pdf"]
    assert AuditEvent.objects.filter(action="file.attached").count() == 1


def test_the_same_file_twice_in_one_submission_is_attached_once(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("a.pdf", PDF), upload("a.pdf", PDF)]}, **HX
    )

    assert "already attached" in response.content.decode()
    assert live(req) == ["a.pdf"]


def test_the_same_file_may_go_to_another_owner_and_back_after_removal(requester, req, unit):
    other = Request.objects.create(unit=unit, title="另一件", created_by=requester)
    first = attach(requester, req)

    attach(requester, other)
    files.attachment_remove(actor=requester, attachment=first)
    again = attach(requester, req, "again.pdf")

    assert live(req) == ["again.pdf"] and live(other) == ["report.pdf"]
    assert StoredFile.objects.count() == 1
    assert again.stored_file_id == first.stored_file_id


def test_more_files_than_allowed_in_one_request_is_400(client, login_as, requester, req):
    login_as(requester)
    many = [upload(f"{i}.txt", f"{i}".encode()) for i in range(21)]

    response = client.post(upload_url(req), {"files": many})

    assert response.status_code == 400
    assert Attachment.objects.count() == 0


def test_next_must_stay_on_this_site(client, login_as, requester, req):
    login_as(requester)

    response = client.post(
        upload_url(req), {"files": [upload("a.pdf", PDF)], "next": "https://evil.example/"}
    )

    assert response.status_code == 302 and response.url == panel_url(req)


# --- Removing -----------------------------------------------------------------------------------


def test_removing_a_file(client, login_as, requester, req, media):
    attachment = attach(requester, req, "草稿.pdf")
    login_as(requester)

    response = client.post(delete_url(attachment), {"next": "/requests/1/"})

    assert response.status_code == 302 and response.url == "/requests/1/"
    assert flashed(response) == ["“草稿.pdf” removed."]
    assert live(req) == []
    attachment.refresh_from_db()
    assert attachment.deleted_at is not None  # security.md F9: the row stays
    assert attachment.updated_by == requester and attachment.version == 2
    event = AuditEvent.objects.get(action="file.removed")
    assert event.actor == requester and event.object_id == str(attachment.pk)
    assert event.object_repr == "草稿.pdf"
    assert event.detail == {
        "owner_type": OWNER,
        "owner_id": str(req.pk),
        "sha256": attachment.stored_file.sha256,
        "size": len(PDF),
        "kind": "pdf",
    }
    # The content stays stored (retention), and a removed file is no longer served.
    assert (media / "media" / attachment.stored_file.storage_name).exists()
    assert client.get(reverse("core:file_download", args=[attachment.pk])).status_code == 404


def test_removing_with_htmx_answers_the_panel(client, login_as, requester, req):
    keep = attach(requester, req, "keep.pdf", OTHER_PDF)
    gone = attach(requester, req, "gone.pdf")
    login_as(requester)

    response = client.post(delete_url(gone), **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "“gone.pdf” removed." in html and 'role="status"' in html
    assert delete_url(keep) in html and delete_url(gone) not in html


def test_removing_twice_says_it_is_already_removed(client, login_as, requester, req):
    attachment = attach(requester, req)
    login_as(requester)
    client.post(delete_url(attachment), **HX)

    response = client.post(delete_url(attachment), **HX)

    assert response.status_code == 200
    assert "This file was already removed." in response.content.decode()
    assert AuditEvent.objects.filter(action="file.removed").count() == 1


def test_a_stale_copy_cannot_remove_again(requester, req):
    attachment = attach(requester, req)
    stale = Attachment.objects.get(pk=attachment.pk)
    files.attachment_remove(actor=requester, attachment=attachment)

    with pytest.raises(ValidationError) as caught:
        files.attachment_remove(actor=requester, attachment=stale)

    assert caught.value.messages == ["This file was already removed."]
    assert AuditEvent.objects.filter(action="file.removed").count() == 1


def test_the_stored_content_is_shared_and_kept(requester, req, unit, media, capsys):
    other = Request.objects.create(unit=unit, title="另一件", created_by=requester)
    first = attach(requester, req)
    second = attach(requester, other, "same.pdf")

    files.attachment_remove(actor=requester, attachment=first)
    files.attachment_remove(actor=requester, attachment=second)

    assert StoredFile.objects.count() == 1
    assert (media / "media" / first.stored_file.storage_name).exists()
    call_command("verify_files")  # exits 1 on any missing, altered or orphan file
    assert "1 stored files checked, 0 problems." in capsys.readouterr().out


def test_a_failed_audit_write_removes_nothing(requester, req, monkeypatch):
    attachment = attach(requester, req)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(files.audit, "record", broken)

    with pytest.raises(RuntimeError):
        files.attachment_remove(actor=requester, attachment=attachment)

    assert live(req) == ["report.pdf"]


# --- Who may do what ----------------------------------------------------------------------------


def _denied(user, status) -> AuditEvent:
    event = AuditEvent.objects.filter(action="access.denied").latest("pk")
    assert event.actor == user and event.detail["status"] == status
    return event


def test_someone_outside_the_approval_gets_404_everywhere(
    client, login_as, requester, outsider, req
):
    attachment = attach(requester, req, "内部材料.pdf")
    login_as(outsider)

    panel = client.get(panel_url(req), **HX)
    assert panel.status_code == 404 and b"\xe5\x86\x85\xe9\x83\xa8" not in panel.content
    assert _denied(outsider, 404).object_id == str(req.pk)

    assert client.post(upload_url(req), {"files": [upload("x.pdf", OTHER_PDF)]}).status_code == 404
    assert client.post(delete_url(attachment)).status_code == 404
    assert _denied(outsider, 404).object_id == str(attachment.pk)

    download = client.get(reverse("core:file_download", args=[attachment.pk]))
    assert download.status_code == 404 and "Content-Disposition" not in download

    assert live(req) == ["内部材料.pdf"]
    assert AuditEvent.objects.filter(action="access.denied").count() == 4


def test_a_person_who_may_only_look_gets_403_on_changes(client, login_as, requester, approver, req):
    attachment = attach(requester, req)
    login_as(approver)

    upload_response = client.post(upload_url(req), {"files": [upload("x.pdf", OTHER_PDF)]}, **HX)
    assert upload_response.status_code == 403
    assert _denied(approver, 403).object_type == OWNER

    delete_response = client.post(delete_url(attachment), **HX)
    assert delete_response.status_code == 403
    assert _denied(approver, 403).object_id == str(attachment.pk)

    assert live(req) == ["report.pdf"] and StoredFile.objects.count() == 1
    assert not AuditEvent.objects.filter(action="file.removed").exists()


def test_files_are_fixed_once_the_approval_has_ended(client, login_as, requester, req):
    attachment = attach(requester, req)
    Request.objects.filter(pk=req.pk).update(state="approved")
    login_as(requester)

    html = client.get(panel_url(req), **HX).content.decode()
    assert "report.pdf" in html and upload_url(req) not in html

    assert client.post(upload_url(req), {"files": [upload("x.pdf", OTHER_PDF)]}).status_code == 403
    assert client.post(delete_url(attachment)).status_code == 403
    assert live(req) == ["report.pdf"]


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_read_no_business_files(
    request, client, login_as, requester, req, who
):
    attachment = attach(requester, req)
    login_as(request.getfixturevalue(who))

    assert client.get(panel_url(req)).status_code == 404
    assert client.get(reverse("core:file_download", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize(
    ("owner_type", "owner_id"), [("nope.kind", "1"), (OWNER, "999"), (OWNER, "abc")]
)
def test_unknown_owners_are_404(client, login_as, requester, req, owner_type, owner_id):
    login_as(requester)

    get = client.get(reverse("core:attachment_panel", args=[owner_type, owner_id]))
    post = client.post(
        reverse("core:attachment_upload", args=[owner_type, owner_id]),
        {"files": [upload("a.pdf", PDF)]},
    )

    assert get.status_code == 404 and post.status_code == 404
    assert Attachment.objects.count() == 0


def test_an_owner_kind_without_an_edit_check_lets_nobody_edit(requester, req):
    files.register_owner(
        "test.readonly",
        can_view=lambda user, owner_id: True,
        get_owner=lambda owner_id: req,
        label="Read only",
    )
    try:
        assert files.owner_get_for(requester, "test.readonly", req.pk) == req
        assert files.can_edit(requester, "test.readonly", req) is False
    finally:
        files.unregister_owner("test.readonly")
    assert files.can_edit(requester, OWNER, req) is True


# --- The template tag ---------------------------------------------------------------------------

TAG = Template("{% load attachments %}{% attachments_panel owner_type owner %}")


def _render(user, owner) -> str:
    page = RequestFactory().get("/requests/7/?tab=files")
    page.user = user
    return TAG.render(Context({"request": page, "owner_type": OWNER, "owner": owner}))


def test_the_tag_drops_the_panel_into_a_page(requester, req):
    attach(requester, req)

    html = _render(requester, req)

    assert "report.pdf" in html and "data-attachments-panel" in html
    assert 'name="next" value="/requests/7/?tab=files"' in html
    assert upload_url(req) in html


def test_the_tag_shows_nothing_to_someone_who_may_not_see(requester, outsider, req):
    attach(requester, req)

    assert _render(outsider, req).strip() == ""
