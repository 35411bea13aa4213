"""发文字号 series maintained by the office: rules and pages (issue 4 item 5)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.documents import factories
from tests.documents.factories import NumberSeriesFactory, OutgoingDocumentFactory
from tests.factories import DepartmentFactory, UnitFactory
from zhongshu.core.models import AuditEvent, AuditResult
from zhongshu.documents import numbering
from zhongshu.documents.models import Layout, NumberSeries, State

office_clerk = factories.office_clerk


@pytest.fixture
def department(unit):
    return DepartmentFactory(unit=unit, name="综合科")


def create(actor, owner, **fields):
    values = {
        "name": "局发文",
        "code": "市食药监发",
        "layout": Layout.FILE,
        "external": True,
        "owner": owner,
        "yearly_restart": True,
        "start_number": 1,
    }
    values.update(fields)
    return numbering.series_create(actor=actor, **values)


def form_data(series=None, **fields):
    data = {
        "name": "局发文",
        "code": "市食药监发",
        "layout": Layout.FILE,
        "owner": "",
        "external": "on",
        "yearly_restart": "on",
        "start_number": "1",
    }
    if series is not None:
        data["version"] = str(series.version)
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- Rules ------------------------------------------------------------------------------------


def test_create_series_is_audited(office_clerk, office):
    series = create(office_clerk, office)

    assert (series.unit_id, series.code, series.version) == (office.unit_id, "市食药监发", 1)
    assert series.created_by == office_clerk
    event = AuditEvent.objects.get(action="documents.series_created")
    assert event.detail["after"]["code"] == "市食药监发"
    assert event.object_id == str(series.pk)


@pytest.mark.parametrize("code", ["市发〔", "发文1", "[市]发", "市 发", "市发号（）", ""])
def test_code_is_chinese_characters_or_letters_only(office_clerk, office, code):
    with pytest.raises(ValidationError) as refused:
        create(office_clerk, office, code=code)

    assert "code" in refused.value.message_dict
    assert not NumberSeries.objects.exists()


def test_letters_are_allowed_in_a_code(office_clerk, office):
    assert create(office_clerk, office, code="ABC办发").code == "ABC办发"


def test_code_is_unique_in_the_unit_only(office_clerk, office):
    create(office_clerk, office)
    NumberSeriesFactory(
        owner=DepartmentFactory(unit=UnitFactory(), is_general_office=True), code="外单位发"
    )

    with pytest.raises(ValidationError) as refused:
        create(office_clerk, office, name="另一个")

    assert "already uses" in str(refused.value.message_dict["code"])
    assert create(office_clerk, office, code="外单位发").code == "外单位发"


def test_only_the_general_office_owns_an_external_series(office_clerk, department):
    with pytest.raises(ValidationError) as refused:
        create(office_clerk, department, code="综合发", external=True)

    assert "external" in refused.value.message_dict
    assert create(office_clerk, department, code="综合发", external=False).external is False


def test_the_owner_is_a_department_of_the_unit(office_clerk):
    foreign = DepartmentFactory(unit=UnitFactory(), is_general_office=True)

    with pytest.raises(ValidationError) as refused:
        create(office_clerk, foreign)

    assert "owner" in refused.value.message_dict


def test_code_layout_and_restart_are_fixed_once_numbers_were_given(
    office_clerk, office, staff, department
):
    series = create(office_clerk, office)
    document = OutgoingDocumentFactory(
        drafter=staff, department=department, state=State.CHECKED, issued_on=date(2026, 5, 1)
    )
    numbering.allocate(actor=office_clerk, document=document, series=series)

    with pytest.raises(ValidationError) as refused:
        numbering.series_update(
            actor=office_clerk,
            series=series,
            expected_version=series.version,
            name="局发文",
            code="市食药发",
            layout=Layout.LETTER,
            external=True,
            owner=office,
            yearly_restart=False,
            start_number=1,
        )

    assert set(refused.value.message_dict) == {"code", "layout", "yearly_restart"}
    series.refresh_from_db()
    assert (series.code, series.layout, series.yearly_restart) == ("市食药监发", "file", True)


def test_deactivate_and_reactivate_are_audited(office_clerk, office):
    series = create(office_clerk, office)

    numbering.series_deactivate(actor=office_clerk, series=series, expected_version=1)
    numbering.series_reactivate(actor=office_clerk, series=series, expected_version=2)

    series.refresh_from_db()
    assert (series.active, series.version) == (True, 3)
    assert list(
        AuditEvent.objects.filter(action__startswith="documents.series_")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "documents.series_created",
        "documents.series_deactivated",
        "documents.series_reactivated",
    ]


# --- Pages ------------------------------------------------------------------------------------


def test_office_lists_its_series_in_constant_queries(
    client, login_as, office_clerk, office, django_assert_max_num_queries
):
    NumberSeriesFactory(owner=office, code="市食药监甲")
    NumberSeriesFactory(owner=DepartmentFactory(unit=UnitFactory(), is_general_office=True))
    login_as(office_clerk)
    url = reverse("documents:series_list")
    client.get(url)  # the shell's one-off writes (session, configuration row)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for code in ("市食药监乙", "市食药监丙", "市食药监丁", "市食药监戊"):
        NumberSeriesFactory(owner=office, code=code)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["series"]) == 5
    assert "市食药监甲〔" in response.content.decode()


def test_create_through_the_page(client, login_as, office_clerk, office):
    login_as(office_clerk)

    response = client.post(reverse("documents:series_create"), form_data(owner=str(office.pk)))

    assert response.status_code == 302
    assert NumberSeries.objects.get().code == "市食药监发"


def test_create_page_shows_errors_with_400(client, login_as, office_clerk, department):
    login_as(office_clerk)

    response = client.post(
        reverse("documents:series_create"), form_data(owner=str(department.pk), code="发〔")
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"code", "external"}
    assert not NumberSeries.objects.exists()


def test_edit_with_a_stale_version_answers_412(client, login_as, office_clerk, office):
    series = create(office_clerk, office)
    stale = form_data(series, owner=str(office.pk), name="改名")
    numbering.series_deactivate(actor=office_clerk, series=series, expected_version=1)
    login_as(office_clerk)

    response = client.post(reverse("documents:series_edit", args=[series.pk]), stale)

    assert response.status_code == 412
    assert "changed this meanwhile" in response.content.decode()
    series.refresh_from_db()
    assert series.name == "局发文"


def test_edit_saves(client, login_as, office_clerk, office):
    series = create(office_clerk, office)
    login_as(office_clerk)

    response = client.post(
        reverse("documents:series_edit", args=[series.pk]),
        form_data(series, owner=str(office.pk), name="局发文（新）", start_number="10"),
    )

    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.name, series.start_number, series.version) == ("局发文（新）", 10, 2)


def test_deactivate_through_the_page(client, login_as, office_clerk, office):
    series = create(office_clerk, office)
    login_as(office_clerk)

    stale = client.post(reverse("documents:series_deactivate", args=[series.pk]), {"version": 9})
    done = client.post(reverse("documents:series_deactivate", args=[series.pk]), {"version": 1})

    assert stale.status_code == 302 and stale.url.endswith(f"/series/{series.pk}/edit/")
    assert done.status_code == 302
    series.refresh_from_db()
    assert series.active is False


@pytest.mark.parametrize("name", ["series_list", "series_create"])
def test_staff_get_an_audited_403(client, login_as, staff, name):
    login_as(staff)

    response = client.get(reverse(f"documents:{name}"))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", result=AuditResult.DENIED).exists()


def test_staff_cannot_change_a_series(client, login_as, staff, office_clerk, office):
    series = create(office_clerk, office)
    login_as(staff)

    edit = client.post(
        reverse("documents:series_edit", args=[series.pk]),
        form_data(series, owner=str(office.pk), name="改名"),
    )
    deactivate = client.post(
        reverse("documents:series_deactivate", args=[series.pk]), {"version": 1}
    )

    assert (edit.status_code, deactivate.status_code) == (404, 404)
    series.refresh_from_db()
    assert (series.name, series.active, series.version) == ("局发文", True, 1)


def test_another_units_series_is_404(client, login_as, office_clerk):
    foreign = NumberSeriesFactory(
        owner=DepartmentFactory(unit=UnitFactory(), is_general_office=True)
    )
    login_as(office_clerk)

    response = client.get(reverse("documents:series_edit", args=[foreign.pk]))

    assert response.status_code == 404
    event = AuditEvent.objects.filter(action="access.denied").latest("id")
    assert event.object_id == str(foreign.pk)


def test_the_edit_page_keeps_the_fixed_fields_of_a_used_series(
    client, login_as, office_clerk, office, staff, department
):
    series = create(office_clerk, office)
    document = OutgoingDocumentFactory(
        drafter=staff, department=department, state=State.CHECKED, issued_on=date(2026, 5, 1)
    )
    numbering.allocate(actor=office_clerk, document=document, series=series)
    login_as(office_clerk)
    url = reverse("documents:series_edit", args=[series.pk])

    page = client.get(url)
    response = client.post(
        url,
        form_data(
            series, owner=str(office.pk), name="局发文（新）", code="改代字", yearly_restart=None
        ),
    )

    assert page.context["form"].fields["code"].disabled
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.name, series.code, series.yearly_restart) == ("局发文（新）", "市食药监发", True)
