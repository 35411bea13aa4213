"""归档: the archival package (DA/T 22-2015; gongwen.md §3) — its files, their order in the 件,
the metadata and fingerprints, its storage and download."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.documents.factories import OutgoingDocumentFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.documents.test_handling_fixtures import CLASSIFIED, DOCUMENT_DATA, approve
from tests.factories import UserFactory
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError, StoredFile
from zhongshu.documents import handling
from zhongshu.documents import services as documents
from zhongshu.documents.models import ArchivePackage, OutgoingDocument, State
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db
NOTE = ("工作安排.txt", "一、节前检查\n二、节日值守\n".encode())


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


@pytest.fixture
def reader(unit):
    return UserFactory(unit=unit, username="reader", full_name="李读者")


@pytest.fixture
def distributed(media, make_signed, at_state, reader):
    """An important document with an attached file, distributed to one person in Zhongshu."""
    document = make_signed(important=True, attachment=NOTE)
    return at_state(State.DISTRIBUTED, document, recipients=[reader])


def file_it(document, clerk):
    return handling.document_file(
        actor=clerk, document=document, expected_version=fresh(document).version
    )


def open_package(row) -> zipfile.ZipFile:
    with default_storage.open(row.stored_file.storage_name, "rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_filing_stores_the_package_by_its_fingerprint(distributed, office_clerk, fast_output):
    version = distributed.version

    row = file_it(distributed, office_clerk)

    document = fresh(distributed)
    assert document.state == State.FILED and document.version == version + 1
    assert document.milestones["filed"]["sha256"] == row.sha256
    with default_storage.open(StoredFile.path_for(row.sha256), "rb") as fh:
        content = fh.read()
    assert hashlib.sha256(content).hexdigest() == row.sha256 == row.stored_file.sha256
    assert row.stored_file.size == len(content) and row.stored_file.kind == "zip"
    assert (row.document, row.created_by) == (document, office_clerk)
    assert row.manifest == json.loads(open_package(row).read("metadata.json"))
    event = AuditEvent.objects.get(action="documents.filed")
    assert event.detail["sha256"] == row.sha256


def test_the_package_holds_every_file_with_its_hash(distributed, office_clerk, fast_output):
    row = file_it(distributed, office_clerk)

    package = open_package(row)
    metadata = json.loads(package.read("metadata.json"))
    names = package.namelist()
    listed = [f["path"] for f in metadata["files"]]

    assert names == [*listed, "metadata.json"]
    assert names[:4] == [
        "01-fair-copy.pdf",
        "02-signed-final.pdf",
        "03-cover-sheet.pdf",
        "04-attachments/01-工作安排.txt",
    ]
    assert "05-handling-record.json" in names and "05-handling-record.html" in names
    assert "06-revisions/version-0001.json" in names
    for entry in metadata["files"]:
        content = package.read(entry["path"])
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), entry["path"]
        assert entry["size"] == len(content)
    assert [f["sequence"] for f in metadata["files"]] == list(range(1, len(listed) + 1))
    assert package.read("04-attachments/01-工作安排.txt") == NOTE[1]
    assert package.testzip() is None


def test_the_fair_copy_and_the_signed_final_make_one_item_fair_copy_first(
    distributed, office_clerk, fast_output
):
    row = file_it(distributed, office_clerk)

    metadata = row.manifest
    roles = {f["path"]: f["role"] for f in metadata["files"]}
    assert metadata["item"] == [
        "01-fair-copy.pdf",
        "02-signed-final.pdf",
        "03-cover-sheet.pdf",
        "04-attachments/01-工作安排.txt",
    ]
    assert [roles[path] for path in metadata["item"]] == [
        "fair_copy",
        "signed_final",
        "cover_sheet",
        "attachment",
    ]


def test_the_metadata_describes_the_document(distributed, office_clerk, principal, fast_output):
    document = fresh(distributed)

    described = file_it(distributed, office_clerk).manifest["document"]

    assert described["title"] == DOCUMENT_DATA["title"]
    assert described["doc_number"] == document.doc_number and document.doc_number
    assert (described["classification"], described["classification_name"]) == (0, "")
    assert described["secrecy_period"] == ""
    assert described["issued_on"] == document.issued_on.isoformat()
    assert described["date"] == document.issued_on.strftime("%Y%m%d")
    assert described["signed_by"] == principal.full_name == "孙局长"
    assert described["year"] == timezone.localdate(document.signed_at).year
    assert described["responsible_organs"] == ["市食品药品监督管理局"]
    assert described["drafting_department"] == "食品安全处"
    assert described["signed_text_sha256"] == document.final_hash
    assert described["kind_name"] == "通知"
    assert isinstance(described["pages"], int) and described["pages"] >= 1


def test_the_signed_final_is_the_signed_text_as_signed(distributed, office_clerk, fast_output):
    document = fresh(distributed)

    file_it(distributed, office_clerk)

    fair_copy, signed_final = fast_output
    assert fair_copy.doc_number == document.doc_number and fair_copy.print_date
    assert signed_final.doc_number == "" and signed_final.print_date is None
    assert documents.content_hash(documents.content_of(signed_final)) == document.final_hash


def test_the_handling_record_has_the_route_and_the_office_s_steps(
    distributed, office_clerk, principal, reader, fast_output
):
    handling.mark_read(reader, distributed)

    package = open_package(file_it(distributed, office_clerk))

    record = json.loads(package.read("05-handling-record.json"))
    (run,) = record["runs"]
    assert ("approve", "孙局长", "签发") in [
        (e["verb"], e["actor"], e["step"]) for e in run["events"]
    ]
    assert list(record["milestones"]) == [
        "signed",
        "checked",
        "registered",
        "printed",
        "sealed",
        "distributed",
    ]
    assert record["milestones"]["checked"]["by_name"] == "赵文书"
    assert [s["seal"] for s in record["seal_uses"]] == ["局印章"]
    (dispatch,) = record["dispatches"]
    assert dispatch["recipient"] == "李读者" and dispatch["read_at"]
    html = package.read("05-handling-record.html").decode()
    assert "孙局长" in html and "Checked" in html and "局印章" in html


def test_the_revisions_of_an_important_document_are_kept(
    media, make_signed, at_state, office_clerk, principal, fast_output
):
    document = make_signed(important=True)
    changed = [*DOCUMENT_DATA["body"], {"level": 0, "text": "特此通知。"}]
    documents.draft_update(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        data={**DOCUMENT_DATA, "body": changed, "important": True},
    )
    approve(documents.current_run(document), principal)
    document = at_state(State.DISTRIBUTED, fresh(document))

    package = open_package(file_it(document, office_clerk))

    first = json.loads(package.read("06-revisions/version-0001.json"))
    second = json.loads(package.read("06-revisions/version-0002.json"))
    assert (first["signed"], second["signed"]) == (False, True)
    assert first["sha256_verified"] and second["sha256_verified"]
    assert second["content"]["body"][-1]["text"] == "特此通知。"
    assert second["sha256"] == fresh(document).final_hash


def test_an_ordinary_document_has_no_revisions(media, at_state, office_clerk, fast_output):
    document = at_state(State.DISTRIBUTED)

    names = open_package(file_it(document, office_clerk)).namelist()

    assert not [n for n in names if n.startswith("06-revisions/")]
    assert not [n for n in names if n.startswith("04-attachments/")]


def test_a_damaged_attachment_is_not_archived(distributed, office_clerk, fast_output):
    stored = StoredFile.objects.get(kind="txt")
    with open(default_storage.path(stored.storage_name), "wb") as fh:
        fh.write("篡改的内容".encode())

    with pytest.raises(DocumentError, match="no longer matches its fingerprint"):
        file_it(distributed, office_clerk)

    assert fresh(distributed).state == State.DISTRIBUTED
    assert not ArchivePackage.objects.exists()
    assert not StoredFile.objects.filter(kind="zip").exists()


def test_only_a_distributed_document_is_filed(media, at_state, office_clerk, fast_output):
    document = at_state(State.SEALED)

    with pytest.raises(DocumentError, match="Only a distributed document can be filed"):
        file_it(document, office_clerk)
    with pytest.raises(StaleVersionError):
        handling.document_file(
            actor=office_clerk,
            document=at_state(State.DISTRIBUTED, document),
            expected_version=document.version - 1,
        )

    assert not ArchivePackage.objects.exists() and fast_output == []


def test_filing_twice_is_refused(distributed, office_clerk, fast_output):
    file_it(distributed, office_clerk)

    with pytest.raises(DocumentError):
        file_it(distributed, office_clerk)

    assert ArchivePackage.objects.count() == 1


# --- The pages ----------------------------------------------------------------------------------


def test_the_office_files_on_the_page_and_downloads_the_package(
    client, distributed, office_clerk, fast_output
):
    login(client, office_clerk)
    page_url = reverse("documents:archive", args=[distributed.pk])
    download = reverse("documents:archive_download", args=[distributed.pk])

    before = client.get(page_url)
    not_yet = client.get(download)
    response = client.post(page_url, {"version": distributed.version})
    after = client.get(page_url).content.decode()
    got = client.get(download)

    assert before.status_code == 200 and "工作安排.txt" in before.content.decode()
    assert not_yet.status_code == 404
    assert response.status_code == 302
    row = ArchivePackage.objects.get()
    assert row.sha256 in after and download in after
    content = b"".join(got.streaming_content)
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    assert hashlib.sha256(content).hexdigest() == row.sha256
    assert "archive.zip" in got["Content-Disposition"]
    assert not AuditEvent.objects.filter(action="documents.read").exists()  # not classified


def test_downloading_a_classified_package_is_an_audited_read(
    client, classified_network, make_signed, at_state, office_clerk, media, fast_output
):
    document = at_state(State.DISTRIBUTED, make_signed(**CLASSIFIED), copies=2)
    row = file_it(document, office_clerk)
    login(client, office_clerk)

    got = client.get(reverse("documents:archive_download", args=[document.pk]))

    assert got.status_code == 200 and "private, no-store" in got["Cache-Control"]
    event = AuditEvent.objects.get(action="documents.read")
    assert event.classification == Classification.SECRET
    assert event.detail == {"as": "archive", "sha256": row.sha256}
    assert row.manifest["document"]["classification_name"] == "秘密"
    assert row.manifest["document"]["secrecy_period"] == "1年"


def test_the_page_answers_409_and_412(client, media, at_state, office_clerk, fast_output):
    document = at_state(State.SEALED)
    login(client, office_clerk)
    page_url = reverse("documents:archive", args=[document.pk])

    wrong_state = client.post(page_url, {"version": document.version})
    document = at_state(State.DISTRIBUTED, document)
    stale = client.post(page_url, {"version": document.version - 1})

    assert wrong_state.status_code == 409
    assert "Only a distributed document can be filed" in wrong_state.content.decode()
    assert stale.status_code == 412
    assert not ArchivePackage.objects.exists()


def test_outsiders_are_refused_and_hidden_documents_answer_404(
    client, distributed, drafter, office_clerk, unit, fast_output
):
    login(client, drafter)
    page_url = reverse("documents:archive", args=[distributed.pk])
    assert client.post(page_url, {"version": distributed.version}).status_code == 403
    assert (
        client.get(reverse("documents:archive_download", args=[distributed.pk])).status_code == 403
    )
    secret = OutgoingDocumentFactory(
        drafter__unit=unit, state=State.DISTRIBUTED, classification=Classification.SECRET
    )
    login(client, office_clerk)

    hidden = client.post(reverse("documents:archive", args=[secret.pk]), {"version": 1})

    assert hidden.status_code == 404
    assert fresh(distributed).state == fresh(secret).state == State.DISTRIBUTED


def test_a_real_package_opens_with_real_pdfs(distributed, office_clerk):
    """Rendered for real once: the 正本, the 定稿 and the 发文稿纸 are PDFs."""
    row = file_it(distributed, office_clerk)

    package = open_package(row)

    for name in ("01-fair-copy.pdf", "02-signed-final.pdf", "03-cover-sheet.pdf"):
        assert package.read(name).startswith(b"%PDF-"), name
    assert row.manifest["document"]["pages"] >= 1


def test_the_package_is_in_the_sites_language_whoever_files_it(
    distributed, office_clerk, fast_output, settings
):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        row = file_it(distributed, office_clerk)

    package = open_package(row)
    html = package.read("05-handling-record.html").decode()
    record = json.loads(package.read("05-handling-record.json"))
    assert 'lang="zh-hans"' in html and "<h1>办理记录</h1>" in html
    descriptions = [e["description"] for run in record["runs"] for e in run["events"]]
    assert descriptions and not any(d.isascii() for d in descriptions)
