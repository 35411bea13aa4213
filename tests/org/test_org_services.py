"""Organisation services: the tree rules, soft deletion, optimistic locking and the audit."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)
from zhongshu.core.audit import verify_chain
from zhongshu.core.models import AuditEvent, StaleVersionError
from zhongshu.org import services
from zhongshu.org.models import Department, Membership, Role, User


def test_department_create_is_audited_with_before_and_after(unit, org_manager):
    department = services.department_create(
        actor=org_manager, unit=unit, name="综合科", code="ZHK", sort_order=3
    )

    event = AuditEvent.objects.get(action="org.department_created")
    assert event.actor == org_manager
    assert event.object_id == str(department.pk)
    assert event.unit_id == unit.pk
    assert event.detail["before"] == {}
    assert event.detail["after"]["code"] == "ZHK"
    assert event.detail["after"]["sort_order"] == 3
    assert department.created_by == org_manager
    assert verify_chain()[0]


def test_department_update_records_only_what_changed(unit, org_manager, office):
    services.department_update(
        actor=org_manager,
        department=office,
        expected_version=office.version,
        name="党政办公室",
        code=office.code,
        parent=None,
        is_general_office=True,
        head=None,
        leader_in_charge=None,
        sort_order=0,
        phone="",
    )

    event = AuditEvent.objects.get(action="org.department_updated")
    assert event.detail == {"before": {"name": "办公室"}, "after": {"name": "党政办公室"}}
    office.refresh_from_db()
    assert office.version == 2


def _update(department, actor, **changes):
    values = {
        "name": department.name,
        "code": department.code,
        "parent": department.parent,
        "is_general_office": department.is_general_office,
        "head": department.head,
        "leader_in_charge": department.leader_in_charge,
        "sort_order": department.sort_order,
        "phone": department.phone,
        "expected_version": department.version,
    }
    values.update(changes)
    return services.department_update(actor=actor, department=department, **values)


def test_department_cannot_go_under_its_own_descendant(unit, org_manager):
    top = DepartmentFactory(unit=unit, code="A")
    middle = DepartmentFactory(unit=unit, code="B", parent=top)
    bottom = DepartmentFactory(unit=unit, code="C", parent=middle)

    with pytest.raises(ValidationError) as caught:
        _update(Department.objects.get(pk=top.pk), org_manager, parent=bottom)

    assert "parent" in caught.value.message_dict
    top.refresh_from_db()
    assert top.parent_id is None
    assert top.version == 1
    assert not AuditEvent.objects.filter(action="org.department_updated").exists()


def test_department_cannot_be_its_own_parent(unit, org_manager):
    department = DepartmentFactory(unit=unit)

    with pytest.raises(ValidationError) as caught:
        _update(department, org_manager, parent=department)

    assert "parent" in caught.value.message_dict


def test_parent_must_be_in_the_same_unit(unit, org_manager):
    foreign = DepartmentFactory(unit=UnitFactory())

    with pytest.raises(ValidationError) as caught:
        services.department_create(
            actor=org_manager, unit=unit, name="科", code="K", parent=foreign
        )

    assert "parent" in caught.value.message_dict


def test_second_general_office_is_a_clear_error_not_an_integrity_error(unit, org_manager, office):
    with pytest.raises(ValidationError) as caught:
        services.department_create(
            actor=org_manager, unit=unit, name="另一个办公室", code="BGS2", is_general_office=True
        )

    assert "办公室" in caught.value.message_dict["is_general_office"][0]
    assert Department.objects.filter(unit=unit).count() == 1


def test_duplicate_code_is_refused(unit, org_manager, office):
    with pytest.raises(ValidationError) as caught:
        services.department_create(actor=org_manager, unit=unit, name="X", code="BGS")

    assert "code" in caught.value.message_dict


def test_stale_department_update_changes_nothing(unit, org_manager, office):
    seen = office.version
    _update(Department.objects.get(pk=office.pk), org_manager, name="第一次")

    with pytest.raises(StaleVersionError):
        _update(
            Department.objects.get(pk=office.pk), org_manager, name="第二次", expected_version=seen
        )

    office.refresh_from_db()
    assert office.name == "第一次"
    assert office.version == seen + 1


def test_delete_department_with_people_is_refused(unit, org_manager, office, staff):
    MembershipFactory(user=staff, department=office)

    with pytest.raises(ValidationError) as caught:
        services.department_delete(
            actor=org_manager, department=office, expected_version=office.version
        )

    assert "1" in caught.value.messages[0]
    office.refresh_from_db()
    assert office.deleted_at is None


def test_delete_department_with_children_is_refused(unit, org_manager, office):
    DepartmentFactory(unit=unit, parent=office)

    with pytest.raises(ValidationError):
        services.department_delete(
            actor=org_manager, department=office, expected_version=office.version
        )

    office.refresh_from_db()
    assert office.deleted_at is None


def test_delete_is_soft_and_frees_the_code_and_the_office_mark(unit, org_manager, office):
    services.department_delete(
        actor=org_manager, department=office, expected_version=office.version
    )

    office.refresh_from_db()
    assert office.deleted_at is not None
    event = AuditEvent.objects.get(action="org.department_deleted")
    assert event.detail["after"] == {"deleted": True}
    again = services.department_create(
        actor=org_manager, unit=unit, name="办公室", code="BGS", is_general_office=True
    )
    assert again.pk != office.pk


def test_delete_department_with_stale_version_is_refused(unit, org_manager, office):
    with pytest.raises(StaleVersionError):
        services.department_delete(
            actor=org_manager, department=office, expected_version=office.version + 5
        )

    office.refresh_from_db()
    assert office.deleted_at is None


def test_head_must_belong_to_the_unit(unit, org_manager):
    outsider = UserFactory(unit=UnitFactory())

    with pytest.raises(ValidationError) as caught:
        services.department_create(actor=org_manager, unit=unit, name="科", code="K", head=outsider)

    assert "head" in caught.value.message_dict


def test_position_delete_refused_while_held(unit, org_manager, office, staff):
    position = PositionFactory(unit=unit, name="科员")
    MembershipFactory(user=staff, department=office, position=position)

    with pytest.raises(ValidationError):
        services.position_delete(
            actor=org_manager, position=position, expected_version=position.version
        )

    position.refresh_from_db()
    assert position.deleted_at is None


def test_position_names_are_unique_per_unit(unit, org_manager):
    PositionFactory(unit=unit, name="主任")

    with pytest.raises(ValidationError) as caught:
        services.position_create(actor=org_manager, unit=unit, name="主任", rank=1)

    assert "name" in caught.value.message_dict
    services.position_create(actor=org_manager, unit=UnitFactory(), name="主任", rank=1)


def test_person_create_has_no_usable_password_and_a_primary_post(unit, org_manager, office):
    position = PositionFactory(unit=unit, name="主任", rank=1)

    person = services.person_create(
        actor=org_manager,
        unit=unit,
        username="zhaoliu",
        full_name="赵六",
        mobile="13900000001",
        department=office,
        position=position,
    )

    person.refresh_from_db()
    assert not person.has_usable_password()
    assert person.must_change_password is True
    post = Membership.objects.get(user=person)
    assert post.is_primary and post.department == office and post.position == position
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["org.person_created", "org.membership_created"]


def test_person_create_refuses_a_taken_user_name_or_mobile(unit, org_manager, staff):
    UserFactory(unit=unit, mobile="13900000002")

    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=org_manager, unit=unit, username="STAFF", full_name="x", mobile="13900000002"
        )

    assert set(caught.value.message_dict) == {"username", "mobile"}


def test_person_update_with_stale_version_changes_nothing(unit, org_manager, staff):
    seen = staff.version
    services.person_update(
        actor=org_manager,
        person=User.objects.get(pk=staff.pk),
        expected_version=seen,
        full_name="王大明",
        mobile="",
        email="",
    )

    with pytest.raises(StaleVersionError):
        services.person_update(
            actor=org_manager,
            person=User.objects.get(pk=staff.pk),
            expected_version=seen,
            full_name="王二明",
            mobile="",
            email="",
        )

    staff.refresh_from_db()
    assert staff.full_name == "王大明"
    assert AuditEvent.objects.filter(action="org.person_updated").count() == 1


def test_first_post_is_primary_and_a_new_primary_demotes_the_old(unit, org_manager, staff, office):
    other = DepartmentFactory(unit=unit)
    first = services.membership_create(
        actor=org_manager, person=staff, department=office, is_primary=False
    )
    assert first.is_primary

    second = services.membership_create(
        actor=org_manager, person=staff, department=other, is_primary=True
    )

    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    event = AuditEvent.objects.filter(action="org.membership_created").latest("id")
    assert event.detail["after"]["made_concurrent"] == first.pk


def test_concurrent_post_in_the_same_department_is_refused(unit, org_manager, staff, office):
    services.membership_create(actor=org_manager, person=staff, department=office)

    with pytest.raises(ValidationError) as caught:
        services.membership_create(actor=org_manager, person=staff, department=office)

    assert "department" in caught.value.message_dict


def test_post_in_another_units_department_is_refused(unit, org_manager, staff):
    foreign = DepartmentFactory(unit=UnitFactory())

    with pytest.raises(ValidationError):
        services.membership_create(actor=org_manager, person=staff, department=foreign)

    assert not Membership.objects.exists()


def test_removing_the_primary_post_promotes_the_next(unit, org_manager, staff, office):
    other = DepartmentFactory(unit=unit)
    primary = services.membership_create(actor=org_manager, person=staff, department=office)
    concurrent = services.membership_create(actor=org_manager, person=staff, department=other)

    services.membership_delete(
        actor=org_manager, membership=primary, expected_version=primary.version
    )

    primary.refresh_from_db()
    concurrent.refresh_from_db()
    assert primary.deleted_at is not None and not primary.is_primary
    assert concurrent.is_primary


def test_unit_principal_must_be_a_person_of_the_unit(unit, org_manager):
    outsider = UserFactory(unit=UnitFactory())

    with pytest.raises(ValidationError) as caught:
        services.unit_update(
            actor=org_manager,
            unit=unit,
            expected_version=unit.version,
            name=unit.name,
            code=unit.code,
            short_name="",
            parent=None,
            principal=outsider,
            sort_order=0,
        )

    assert "principal" in caught.value.message_dict


def test_unit_cannot_go_under_its_subunit(unit, org_manager):
    child = services.unit_create(actor=org_manager, name="下属局", code="SUB1", parent=unit)

    with pytest.raises(ValidationError) as caught:
        services.unit_update(
            actor=org_manager,
            unit=unit,
            expected_version=unit.version,
            name=unit.name,
            code=unit.code,
            short_name="",
            parent=child,
            principal=None,
            sort_order=0,
        )

    assert "parent" in caught.value.message_dict


def test_unit_principal_is_saved_and_audited(unit, org_manager, staff):
    services.unit_update(
        actor=org_manager,
        unit=unit,
        expected_version=unit.version,
        name=unit.name,
        code=unit.code,
        short_name="市局",
        parent=None,
        principal=staff,
        sort_order=0,
    )

    unit.refresh_from_db()
    assert unit.principal == staff
    event = AuditEvent.objects.get(action="org.unit_updated")
    assert event.detail["after"] == {"short_name": "市局", "principal_id": staff.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_department_one_is_told_it_changed(is_postgres):
    if not is_postgres:
        pytest.skip("select_for_update and row locks need PostgreSQL")
    unit = UnitFactory()
    actor = UserFactory(unit=unit, roles=[Role.ORGANISATION])
    department = DepartmentFactory(unit=unit, name="原名")
    start = threading.Barrier(2)
    outcomes = []

    def save(name):
        try:
            mine = Department.objects.select_related("parent").get(pk=department.pk)
            start.wait(timeout=10)
            _update(mine, actor, name=name)
            outcomes.append(("saved", name))
        except StaleVersionError:
            outcomes.append(("stale", name))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"]
    winner = next(name for kind, name in outcomes if kind == "saved")
    department.refresh_from_db()
    assert department.name == winner and department.version == 2
    assert AuditEvent.objects.filter(action="org.department_updated").count() == 1
