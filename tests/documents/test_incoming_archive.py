# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""归档 of a completed incoming document (issue 5 item 7): the package holds the files received,
the 收文处理单, the handling record with the replies linked, and its metadata; only the office
files it and downloads it; a stale or early filing writes nothing."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import accepted_action, fresh, leaders, started  # noqa: F401
from tests.documents.test_output import pdf_text
from zhongshu.core import files
from zhongshu.core.models import AuditEvent
from zhongshu.documents import rules
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import IncomingArchive, IncomingState
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db


def completed(clerk, org, leaders):
    """A 办件 instructed by the deputy, handled by the business department, circulated to the
    principal (who wrote a 批示) and completed."""
    document = started(clerk, accepted_action(clerk, title="关于开展春季食品安全检查的通知"))
    document = handling.propose(
        actor=org["office_head"],
        document=document,
        proposal=handling.Proposal(
            text="拟请李副局长阅示。", leader=leaders["deputy"], lead=org["business"]
        ),
    )
    document = handling.instruct(
        actor=leaders["deputy"], document=document, proposal=handling.Proposal(text="同意。")
    )
    handling.circulate(
        actor=clerk,
        document=document,
        expected_version=document.version,
        people=[leaders["principal"]],
    )
    handling.comment(actor=leaders["principal"], document=document, text="抓紧落实。")
    document = handling.report(actor=org["head"], document=fresh(document), result="检查已完成。")
    return handling.close(
        actor=clerk, document=document, expected_version=document.version, result="已办结。"
    )


def test_the_package_holds_the_files_the_sheet_and_the_record(org, leaders, office_clerk):
    document = completed(office_clerk, org, leaders)
    files.attachment_add(
        actor=office_clerk,
        owner_type=rules.INCOMING_KIND,
        owner=fresh(document),
        uploaded=SimpleUploadedFile("scan.txt", "来文扫描件（文字版）".encode()),
    )
    row = handling.file_incoming(
        actor=office_clerk, document=document, expected_version=fresh(document).version
    )
    document = fresh(document)
    assert document.state == IncomingState.FILED and document.filed_at
    with default_storage.open(row.stored_file.storage_name, "rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    names = archive.namelist()
    assert names[0] == "01-received/01-scan.txt"
    assert archive.read(names[0]).decode() == "来文扫描件（文字版）"
    assert "02-processing-sheet.pdf" in names and "03-handling-record.json" in names
    sheet = pdf_text(archive.read("02-processing-sheet.pdf"))
    assert len(sheet) == 1  # one A4 page, as the print button prints it
    assert document.receipt_number in sheet[0] and "省市场监督管理局" in sheet[0]
    for said in ("拟请李副局长阅示。", "抓紧落实。", "检查已完成。"):
        assert said in sheet[0]
    record = json.loads(archive.read("03-handling-record.json"))
    assert record["departments"][0]["result"] == "检查已完成。"
    assert record["readings"][0]["instruction"] == "抓紧落实。"
    assert record["result"]["text"] == "已办结。"
    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["document"]["receipt_number"] == document.receipt_number
    assert [f["path"] for f in metadata["files"]] == [n for n in names if n != "metadata.json"]
    assert AuditEvent.objects.filter(action="documents.incoming_filed").exists()
    with pytest.raises(DocumentError):  # filed once
        handling.file_incoming(
            actor=office_clerk, document=document, expected_version=document.version
        )
    assert IncomingArchive.objects.count() == 1


def test_the_sheet_is_in_the_sites_language_whoever_files_it(org, leaders, office_clerk, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    document = completed(office_clerk, org, leaders)
    with translation.override("en"):
        row = handling.file_incoming(
            actor=office_clerk, document=document, expected_version=fresh(document).version
        )
    with default_storage.open(row.stored_file.storage_name, "rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    sheet = pdf_text(archive.read("02-processing-sheet.pdf"))[0]
    assert "收文处理单" in sheet and "processing" not in sheet
    record = json.loads(archive.read("03-handling-record.json"))
    descriptions = [e["description"] for run in record["runs"] for e in run["events"]]
    assert descriptions and all(not d.isascii() for d in descriptions)


def test_only_a_completed_document_is_filed_and_a_stale_page_writes_nothing(
    org, leaders, office_clerk
):
    from zhongshu.core.models import StaleVersionError

    early = accepted_action(office_clerk)
    with pytest.raises(DocumentError):
        handling.file_incoming(actor=office_clerk, document=early, expected_version=early.version)
    document = completed(office_clerk, org, leaders)
    with pytest.raises(StaleVersionError):
        handling.file_incoming(
            actor=office_clerk, document=document, expected_version=document.version - 1
        )
    assert fresh(document).state == IncomingState.DONE
    assert not IncomingArchive.objects.exists()


def test_the_pages_file_and_download_for_the_office_only(client, org, leaders, office_clerk):
    document = fresh(completed(office_clerk, org, leaders))
    file_url = reverse("documents:incoming_file", args=[document.pk])
    archive_url = reverse("documents:incoming_archive", args=[document.pk])
    client.force_login(org["head"])  # sees it (handled it), but is not the office
    assert client.post(file_url, {"version": document.version}).status_code == 404
    assert client.get(archive_url).status_code == 404
    client.force_login(office_clerk)
    assert client.get(archive_url).status_code == 404  # not filed yet
    page = client.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert file_url in page
    assert client.post(file_url, {"version": document.version - 1}).status_code == 412
    response = client.post(file_url, {"version": document.version})
    assert response.status_code == 302
    response = client.get(archive_url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert zipfile.ZipFile(io.BytesIO(body)).namelist()
    client.force_login(org["head"])
    assert client.get(archive_url).status_code == 404
