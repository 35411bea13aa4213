"""The general office's steps after 签发 over the API (issue 4 item 13): 复核, 登记, 印制, 用印,
核发 and 归档 through the services the pages call, the read receipts, and who may take them."""

import pytest

from tests.api.conftest import client_as as api
from tests.api.conftest import token_client_as as token_api
from tests.documents.factories import NumberSeriesFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import (
    ArchivePackage,
    Dispatch,
    IssuedNumber,
    OutgoingDocument,
    SealUse,
    State,
)

pytestmark = pytest.mark.django_db

ALL_POINTS = ["procedures", "content", "kind", "format"]


def url(document, step: str) -> str:
    return f"/api/documents/{document.pk}/{step}/"


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def post(client, document, step: str, **data):
    """A step's POST with the document's current version unless ``version`` is given."""
    data.setdefault("version", fresh(document).version)
    return client.post(url(document, step), data, format="json")


@pytest.fixture
def reader(unit):
    return UserFactory(unit=unit, username="reader", full_name="李读者")


@pytest.fixture
def outsider():
    """The general office of another unit."""
    unit = UnitFactory()
    office = DepartmentFactory(unit=unit, is_general_office=True)
    clerk = UserFactory(unit=unit, username="outsider", full_name="外单位文书")
    MembershipFactory(user=clerk, department=office)
    return clerk


# Each step, the state a document waits in for it, and a body that takes it.
STEPS = [
    ("check", State.SIGNED, {"points": ALL_POINTS}),
    ("register", State.CHECKED, {"copies": 3, "distribution_scope": "各区市场监督管理局"}),
    ("print", State.REGISTERED, {}),
    ("seal", State.PRINTED, {"seal": "局印章", "copies": 3}),
    ("distribute", State.SEALED, {}),
    ("dispatch-external", State.SEALED, {"organ": "市财政局", "channel": "post"}),
    ("file", State.DISTRIBUTED, {}),
]


def body(step: str, data: dict, *, series, reader) -> dict:
    if step == "register":
        return {**data, "series": series.pk}
    if step == "distribute":
        return {**data, "people": [reader.pk]}
    return dict(data)


# --- The walk -----------------------------------------------------------------------------------


def test_the_office_takes_a_signed_document_through_every_step(
    signed, office_clerk, series, reader, media, fast_output
):
    client = token_api(office_clerk)
    versions = [signed.version]

    def step(name, expected_state, **data):
        response = post(client, signed, name, **data)
        assert response.status_code == 200, response.content
        payload = response.json()
        assert payload["state"] == expected_state
        assert payload["version"] == fresh(signed).version > versions[-1]
        versions.append(payload["version"])
        return payload

    step("check", "checked", points=ALL_POINTS, notes={"format": "版头、版记无误"})
    assert fresh(signed).milestones["checked"]["points"]["format"] == "版头、版记无误"

    registered = step(
        "register", "registered", series=series.pk, copies=3, distribution_scope="各区局"
    )
    assert registered["doc_number"].startswith("市食药监发〔")
    assert IssuedNumber.objects.get(document=signed).text == registered["doc_number"]

    step("print", "printed")
    assert fresh(signed).copies == 3
    assert fresh(signed).print_date is not None

    step("seal", "sealed", seal="市食品药品监督管理局印章", copies=3, note="  加盖骑缝章 ")
    use = SealUse.objects.get(document=signed)
    assert (use.seal, use.copies, use.note, use.used_by) == (
        "市食品药品监督管理局印章",
        3,
        "加盖骑缝章",
        office_clerk,
    )

    distributed = step("distribute", "distributed", people=[reader.pk])
    assert distributed["distribution"] == {
        "added": [{"id": reader.pk, "full_name": "李读者"}],
        "already": [],
        "not_cleared": [],
    }
    assert Dispatch.objects.get(document=signed).person == reader

    filed = step("file", "filed")
    package = ArchivePackage.objects.get(document=signed)
    assert filed["id"] == signed.pk
    assert package.created_by == office_clerk
    assert (
        AuditEvent.objects.filter(
            object_id=str(signed.pk),
            action__in=[
                "documents.checked",
                "documents.registered",
                "documents.printed",
                "documents.sealed",
                "documents.distributed",
                "documents.filed",
            ],
        ).count()
        == 6
    )


def test_an_organ_outside_the_unit_is_sent_it_with_its_channel(at_state, office_clerk, reader):
    document = at_state(State.SEALED)

    response = post(
        api(office_clerk),
        document,
        "dispatch-external",
        organ=" 市财政局 ",
        channel="confidential_mail",
        sent_at="2025-03-01T09:30:00+08:00",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "distributed"
    sent = Dispatch.objects.get(document=document)
    assert (sent.organ, sent.channel, sent.person) == ("市财政局", "confidential_mail", None)
    assert sent.sent_at.isoformat() == "2025-03-01T01:30:00+00:00"


def test_a_department_is_sent_it_and_the_answer_says_who_had_it(
    at_state, office_clerk, reader, unit
):
    document = at_state(State.SEALED)
    department = DepartmentFactory(unit=unit, name="综合处", code="ZHC")
    member = UserFactory(unit=unit, username="member", full_name="周一")
    for person in (member, reader):
        MembershipFactory(user=person, department=department)
    post(api(office_clerk), document, "distribute", people=[reader.pk])

    response = post(api(office_clerk), document, "distribute", departments=[department.pk])

    assert response.status_code == 200, response.content
    assert response.json()["distribution"] == {
        "added": [{"id": member.pk, "full_name": "周一"}],
        "already": [{"id": reader.pk, "full_name": "李读者"}],
        "not_cleared": [],
    }
    assert set(Dispatch.objects.filter(document=document).values_list("person", flat=True)) == {
        member.pk,
        reader.pk,
    }


def test_the_detail_carries_the_signer_s_title(signed, office_clerk):
    OutgoingDocument.objects.filter(pk=signed.pk).update(signer_title="局长")

    payload = api(office_clerk).get(f"/api/documents/{signed.pk}/").json()

    assert payload["signer_title"] == "局长"
    assert payload["signed_by"]["id"] == signed.signed_by_id


# --- Who may take the steps ---------------------------------------------------------------------


@pytest.mark.parametrize(("step", "state", "data"), STEPS)
def test_someone_outside_the_office_who_sees_it_gets_404(
    at_state, drafter, series, reader, step, state, data
):
    document = at_state(state)
    client = api(drafter)
    assert client.get(f"/api/documents/{document.pk}/").status_code == 200  # they may see it

    response = post(client, document, step, **body(step, data, series=series, reader=reader))

    assert response.status_code == 404
    after = fresh(document)
    assert (after.state, after.version) == (state, document.version)
    denied = AuditEvent.objects.get(action="access.denied", actor=drafter)
    assert denied.object_id == str(document.pk)


@pytest.mark.parametrize(("step", "state", "data"), STEPS)
def test_another_unit_s_office_gets_404(at_state, outsider, series, reader, step, state, data):
    document = at_state(state)

    response = post(api(outsider), document, step, **body(step, data, series=series, reader=reader))

    assert response.status_code == 404
    after = fresh(document)
    assert (after.state, after.version) == (state, document.version)
    assert AuditEvent.objects.filter(action="access.denied", actor=outsider).count() == 1


def test_an_id_that_is_no_document_is_404(office_clerk):
    client = api(office_clerk)

    assert client.post("/api/documents/999999/check/", {}, format="json").status_code == 404
    assert client.post("/api/documents/abc/seal/", {}, format="json").status_code == 404
    assert client.get("/api/documents/999999/receipts/").status_code == 404


# --- Refusals: stale, twice, not now --------------------------------------------------------------


@pytest.mark.parametrize(("step", "state", "data"), STEPS)
def test_a_stale_version_answers_412_and_changes_nothing(
    at_state, office_clerk, series, reader, step, state, data
):
    document = at_state(state)

    response = post(
        api(office_clerk),
        document,
        step,
        version=document.version - 1,
        **body(step, data, series=series, reader=reader),
    )

    assert response.status_code == 412, response.content
    assert "changed this document meanwhile" in response.json()["detail"]
    after = fresh(document)
    assert (after.state, after.version) == (state, document.version)


@pytest.mark.parametrize(
    ("step", "state", "data"),
    [s for s in STEPS if s[0] in ("check", "register", "print", "file")],
)
def test_a_step_sent_twice_answers_409(
    at_state, office_clerk, series, reader, media, fast_output, step, state, data
):
    document = at_state(state, recipients=[reader])
    client = api(office_clerk)
    sent = {"version": document.version, **body(step, data, series=series, reader=reader)}
    assert client.post(url(document, step), sent, format="json").status_code == 200
    done, numbers = fresh(document), IssuedNumber.objects.count()

    again = client.post(url(document, step), sent, format="json")  # the same body once more

    assert again.status_code == 409, again.content
    assert (fresh(document).state, fresh(document).version) == (done.state, done.version)
    assert IssuedNumber.objects.count() == numbers


def test_registering_a_document_not_checked_answers_409(signed, office_clerk, series):
    response = post(
        api(office_clerk),
        signed,
        "register",
        series=series.pk,
        copies=3,
        distribution_scope="各区局",
    )

    assert response.status_code == 409
    assert "复核" in response.json()["detail"]
    assert fresh(signed).state == State.SIGNED
    assert not IssuedNumber.objects.exists()


def test_sealing_before_printing_answers_409(at_state, office_clerk):
    document = at_state(State.REGISTERED)

    response = post(api(office_clerk), document, "seal", seal="局印章", copies=1)

    assert response.status_code == 409
    assert not SealUse.objects.exists()


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("step", "state", "_data"), STEPS)
def test_an_empty_body_answers_400_with_the_version_missing(
    at_state, office_clerk, step, state, _data
):
    document = at_state(state)

    response = api(office_clerk).post(url(document, step), {}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()
    assert fresh(document).version == document.version


def test_every_point_must_be_ticked(signed, office_clerk):
    response = post(
        api(office_clerk), signed, "check", points=["procedures", "content"], notes={"kind": ""}
    )

    assert response.status_code == 400
    assert set(response.json()["points"]) == {"kind", "format"}
    assert fresh(signed).state == State.SIGNED


def test_a_note_on_no_point_is_refused(signed, office_clerk):
    response = post(api(office_clerk), signed, "check", points=ALL_POINTS, notes={"layout": "无"})

    assert response.status_code == 400
    assert "notes" in response.json()
    assert fresh(signed).state == State.SIGNED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"copies": 0}, "copies"),
        ({"copies": 10**6}, "copies"),
        ({"series": 999999}, "series"),
        ({"series": 2**60}, "series"),
        ({"distribution_scope": ""}, "distribution_scope"),
        ({"series": None}, "series"),  # the document has no number yet: the service asks
        ({"version": None}, "version"),
    ],
)
def test_bad_registrations_answer_400_and_give_no_number(
    at_state, office_clerk, series, change, field
):
    document = at_state(State.CHECKED)
    data = {"series": series.pk, "copies": 3, "distribution_scope": "各区局", **change}

    response = post(api(office_clerk), document, "register", **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert fresh(document).state == State.CHECKED
    assert not IssuedNumber.objects.exists()


def test_a_series_that_may_not_number_it_is_a_field_error(at_state, office_clerk, office):
    document = at_state(State.CHECKED)
    inactive = NumberSeriesFactory(owner=office, unit=office.unit, code="停用", active=False)
    elsewhere = NumberSeriesFactory(code="外单位")

    for series in (inactive, elsewhere):
        response = post(
            api(office_clerk),
            document,
            "register",
            series=series.pk,
            copies=3,
            distribution_scope="各区局",
        )
        assert response.status_code == 400
        assert list(response.json()) == ["series"]
    assert not IssuedNumber.objects.exists()


@pytest.mark.parametrize(
    ("step", "state", "data", "field"),
    [
        ("print", State.REGISTERED, {"copies": 0}, "copies"),
        ("print", State.REGISTERED, {"copies": "三"}, "copies"),
        ("seal", State.PRINTED, {"seal": "局印章", "copies": 0}, "copies"),
        ("seal", State.PRINTED, {"seal": "局印章", "copies": 4}, "copies"),  # 3 printed
        ("seal", State.PRINTED, {"seal": "", "copies": 1}, "seal"),
        ("seal", State.PRINTED, {"seal": "印" * 101, "copies": 1}, "seal"),
        ("dispatch-external", State.SEALED, {"organ": "市财政局", "channel": "pigeon"}, "channel"),
        ("dispatch-external", State.SEALED, {"organ": "", "channel": "post"}, "organ"),
        (
            "dispatch-external",
            State.SEALED,
            {"organ": "市财政局", "channel": "post", "copy_numbers": [1]},
            "copy_numbers",  # only a classified document has 份号
        ),
        (
            "dispatch-external",
            State.SEALED,
            {"organ": "市财政局", "channel": "post", "sent_at": "2999-01-01T00:00:00+08:00"},
            "sent_at",
        ),
    ],
)
def test_bad_input_answers_400_and_writes_nothing(at_state, office_clerk, step, state, data, field):
    document = at_state(state)
    seals = SealUse.objects.filter(document=document).count()

    response = post(api(office_clerk), document, step, **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    after = fresh(document)
    assert (after.state, after.version) == (state, document.version)
    assert SealUse.objects.filter(document=document).count() == seals
    assert not Dispatch.objects.filter(document=document).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "people"),  # nobody named: the service asks for someone
        ({"people": [999999]}, "people"),
        ({"people": [2**60]}, "people"),
        ({"people": "everyone"}, "people"),
        ({"departments": [999999]}, "departments"),
    ],
)
def test_bad_distributions_answer_400_and_send_nothing(at_state, office_clerk, data, field):
    document = at_state(State.SEALED)

    response = post(api(office_clerk), document, "distribute", **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert fresh(document).state == State.SEALED
    assert not Dispatch.objects.exists()


def test_people_and_departments_of_another_unit_are_unknown(at_state, office_clerk, outsider):
    document = at_state(State.SEALED)
    department = DepartmentFactory(unit=outsider.unit)

    response = post(
        api(office_clerk),
        document,
        "distribute",
        people=[outsider.pk],
        departments=[department.pk],
    )

    assert response.status_code == 400
    assert set(response.json()) == {"people", "departments"}
    assert not Dispatch.objects.exists()


# --- Read receipts --------------------------------------------------------------------------------


def test_the_office_sees_who_has_read_it(at_state, office_clerk, reader, unit):
    other = UserFactory(unit=unit, username="other", full_name="王其他")
    document = at_state(State.DISTRIBUTED, recipients=[reader, other])
    client = api(office_clerk)

    before = client.get(url(document, "receipts"))
    assert api(reader).get(f"/api/documents/{document.pk}/").status_code == 200  # opens it
    after = client.get(url(document, "receipts"))

    assert before.status_code == 200
    assert (before.json()["total"], before.json()["read"]) == (2, 0)
    receipts = after.json()
    assert (receipts["total"], receipts["read"], receipts["percent"]) == (2, 1, 50)
    [unread] = receipts["unread"]
    assert (unread["id"], unread["full_name"], unread["username"]) == (other.pk, "王其他", "other")
    assert unread["sent_at"]


def test_receipts_are_the_office_s_only(at_state, drafter, reader, outsider):
    document = at_state(State.DISTRIBUTED, recipients=[reader])

    for person in (drafter, reader, outsider):
        assert api(person).get(url(document, "receipts")).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 3
