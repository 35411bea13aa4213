"""Every write to the organisation: units, departments, positions, people and their posts.

Each service takes the acting user first, runs in one transaction, checks the rule it implements,
saves with the optimistic lock (``BaseModel.save_versioned``) and appends one audit event with
the values before and after (DESIGN.md §3), so the change and its record commit together.
Business rules are refused with a ``ValidationError`` keyed by field, which views show next to
the field; a stale version raises ``StaleVersionError``.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.models import StaleVersionError

from .models import Department, Membership, Position, Unit, User
from .selectors import department_descendant_ids

STALE_MESSAGE = gettext_lazy(
    "Someone else changed this record since you opened it. Reload and try again."
)

UNIT_FIELDS = ("name", "short_name", "code", "parent_id", "principal_id", "sort_order")
DEPARTMENT_FIELDS = (
    "unit_id",
    "parent_id",
    "name",
    "code",
    "is_general_office",
    "head_id",
    "leader_in_charge_id",
    "sort_order",
    "phone",
)
POSITION_FIELDS = ("unit_id", "name", "rank", "is_leader")
PERSON_FIELDS = ("username", "full_name", "mobile", "email", "gender", "unit_id")
POST_FIELDS = ("user_id", "department_id", "position_id", "is_primary", "sort_order")


def _snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _changes(before: dict, after: dict) -> dict:
    """Only what changed, as ``{"before": {...}, "after": {...}}`` for the audit detail."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {"before": {k: before.get(k) for k in keys}, "after": {k: after[k] for k in keys}}


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _save(obj, *, actor, expected_version) -> None:
    """Save under the optimistic lock; a constraint hit by a concurrent writer is a clear error.

    The checks before saving give the precise message; this catches only the race in between.
    """
    try:
        with transaction.atomic():
            obj.save_versioned(actor=actor, expected_version=expected_version)
    except IntegrityError as exc:
        raise ValidationError(
            _("This conflicts with a change saved at the same time. Reload and try again.")
        ) from exc


# --- Units ------------------------------------------------------------------------------------


def _check_unit(unit: Unit, *, parent, principal, code, signers=()) -> None:
    errors: dict[str, list] = {}
    if Unit.objects.filter(code=code, deleted_at__isnull=True).exclude(pk=unit.pk).exists():
        errors["code"] = [_("Another unit already uses this code.")]
    if parent is not None and unit.pk is not None:
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == unit.pk:
                errors["parent"] = [_("A unit cannot be placed under itself or its own subunit.")]
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    if parent is not None and parent.deleted_at is not None:
        errors["parent"] = [_("The parent unit no longer exists.")]
    if principal is not None and (unit.pk is None or principal.unit_id != unit.pk):
        errors["principal"] = [_("The principal leader must be a person of this unit.")]
    if any(person.unit_id != unit.pk for person in signers):
        errors["authorised_signers"] = [_("Authorised signers must be people of this unit.")]
    _raise_if(errors)


@transaction.atomic
def unit_create(
    *, actor, name, code, short_name="", parent=None, principal=None, sort_order=0
) -> Unit:
    """A unit; new units are subordinate to a visible unit (a deployment's unit hierarchy)."""
    unit = Unit(
        name=name, short_name=short_name, code=code, parent=parent, sort_order=sort_order or 0
    )
    _check_unit(unit, parent=parent, principal=principal, code=code)
    _save(unit, actor=actor, expected_version=None)
    audit.record(
        "org.unit_created",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        detail={"before": {}, "after": _snapshot(unit, UNIT_FIELDS)},
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    unit,
    expected_version,
    name,
    code,
    short_name,
    parent,
    principal,
    sort_order,
    authorised_signers=None,
) -> Unit:
    """Edit a unit, its principal leader (主要负责人) and the people the principal authorised
    to sign in their place (None keeps them); the parent may not be a subunit."""
    before = {**_snapshot(unit, UNIT_FIELDS), "authorised_signers": _signer_ids(unit)}
    signers = list(authorised_signers) if authorised_signers is not None else None
    _check_unit(unit, parent=parent, principal=principal, code=code, signers=signers or ())
    unit.name, unit.code, unit.short_name = name, code, short_name
    unit.parent, unit.principal, unit.sort_order = parent, principal, sort_order or 0
    _save(unit, actor=actor, expected_version=expected_version)
    if signers is not None:
        unit.authorised_signers.set(signers)
    audit.record(
        "org.unit_updated",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        detail=_changes(
            before, {**_snapshot(unit, UNIT_FIELDS), "authorised_signers": _signer_ids(unit)}
        ),
    )
    return unit


def _signer_ids(unit: Unit) -> list[int]:
    return sorted(unit.authorised_signers.values_list("pk", flat=True))


# --- Departments ------------------------------------------------------------------------------


def _check_department(department: Department) -> None:
    """The department tree rules: same unit, no cycle, unique code, one general office."""
    errors: dict[str, list] = {}
    unit_id = department.unit_id
    parent = department.parent
    if parent is not None:
        if parent.unit_id != unit_id or parent.deleted_at is not None:
            errors["parent"] = [_("Choose a department of the same unit.")]
        elif department.pk is not None and (
            parent.pk == department.pk or parent.pk in department_descendant_ids(department)
        ):
            errors["parent"] = [
                _("A department cannot be placed under itself or one of its own sub-departments.")
            ]
    live = Department.objects.filter(unit_id=unit_id, deleted_at__isnull=True).exclude(
        pk=department.pk
    )
    if live.filter(code=department.code).exists():
        errors["code"] = [_("Another department of this unit already uses this code.")]
    if department.is_general_office:
        office = live.filter(is_general_office=True).first()
        if office is not None:
            errors["is_general_office"] = [
                _("“%(name)s” is already the general office of this unit. Unmark it first.")
                % {"name": office.name}
            ]
    for field in ("head", "leader_in_charge"):
        person = getattr(department, field)
        if person is not None and person.unit_id != unit_id:
            errors[field] = [_("Choose a person of this unit.")]
    _raise_if(errors)


@transaction.atomic
def department_create(
    *,
    actor,
    unit,
    name,
    code,
    parent=None,
    is_general_office=False,
    head=None,
    leader_in_charge=None,
    sort_order=0,
    phone="",
) -> Department:
    """A department in a unit's tree (issue: one department per unit is the general office)."""
    department = Department(
        unit=unit,
        parent=parent,
        name=name,
        code=code,
        is_general_office=bool(is_general_office),
        head=head,
        leader_in_charge=leader_in_charge,
        sort_order=sort_order or 0,
        phone=phone or "",
    )
    _check_department(department)
    _save(department, actor=actor, expected_version=None)
    audit.record(
        "org.department_created",
        actor=actor,
        obj=department,
        detail={"before": {}, "after": _snapshot(department, DEPARTMENT_FIELDS)},
    )
    return department


@transaction.atomic
def department_update(
    *,
    actor,
    department,
    expected_version,
    name,
    code,
    parent,
    is_general_office,
    head,
    leader_in_charge,
    sort_order,
    phone,
) -> Department:
    """Edit a department; its parent can be neither itself nor one of its descendants."""
    before = _snapshot(department, DEPARTMENT_FIELDS)
    department.name, department.code, department.parent = name, code, parent
    department.is_general_office = bool(is_general_office)
    department.head, department.leader_in_charge = head, leader_in_charge
    department.sort_order, department.phone = sort_order or 0, phone or ""
    _check_department(department)
    _save(department, actor=actor, expected_version=expected_version)
    audit.record(
        "org.department_updated",
        actor=actor,
        obj=department,
        detail=_changes(before, _snapshot(department, DEPARTMENT_FIELDS)),
    )
    return department


@transaction.atomic
def department_delete(*, actor, department, expected_version) -> None:
    """Soft-delete an empty department: one with people or sub-departments is refused."""
    people = Membership.objects.filter(
        department=department, deleted_at__isnull=True, user__closed_at__isnull=True
    ).count()
    if people:
        raise ValidationError(
            _("“%(name)s” still has %(count)d people. Move them to another department first.")
            % {"name": department.name, "count": people}
        )
    if Department.objects.filter(parent=department, deleted_at__isnull=True).exists():
        raise ValidationError(
            _("“%(name)s” still has sub-departments. Move or delete them first.")
            % {"name": department.name}
        )
    department.deleted_at = timezone.now()
    _save(department, actor=actor, expected_version=expected_version)
    audit.record(
        "org.department_deleted",
        actor=actor,
        obj=department,
        detail={"before": _snapshot(department, DEPARTMENT_FIELDS), "after": {"deleted": True}},
    )


# --- Positions --------------------------------------------------------------------------------


def _check_position(position: Position) -> None:
    duplicate = (
        Position.objects.filter(
            unit_id=position.unit_id, name=position.name, deleted_at__isnull=True
        )
        .exclude(pk=position.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError({"name": [_("This unit already has a position with this name.")]})


@transaction.atomic
def position_create(*, actor, unit, name, rank=100, is_leader=False) -> Position:
    """A position with its rank order (smaller ranks are listed first)."""
    position = Position(unit=unit, name=name, rank=rank, is_leader=bool(is_leader))
    _check_position(position)
    _save(position, actor=actor, expected_version=None)
    audit.record(
        "org.position_created",
        actor=actor,
        obj=position,
        detail={"before": {}, "after": _snapshot(position, POSITION_FIELDS)},
    )
    return position


@transaction.atomic
def position_update(*, actor, position, expected_version, name, rank, is_leader) -> Position:
    """Rename or re-rank a position; names stay unique within the unit."""
    before = _snapshot(position, POSITION_FIELDS)
    position.name, position.rank, position.is_leader = name, rank, bool(is_leader)
    _check_position(position)
    _save(position, actor=actor, expected_version=expected_version)
    audit.record(
        "org.position_updated",
        actor=actor,
        obj=position,
        detail=_changes(before, _snapshot(position, POSITION_FIELDS)),
    )
    return position


@transaction.atomic
def position_delete(*, actor, position, expected_version) -> None:
    """Soft-delete a position nobody holds any more."""
    held = Membership.objects.filter(
        position=position, deleted_at__isnull=True, user__closed_at__isnull=True
    ).count()
    if held:
        raise ValidationError(
            _("“%(name)s” is still held by %(count)d people. Change their posts first.")
            % {"name": position.name, "count": held}
        )
    position.deleted_at = timezone.now()
    _save(position, actor=actor, expected_version=expected_version)
    audit.record(
        "org.position_deleted",
        actor=actor,
        obj=position,
        detail={"before": _snapshot(position, POSITION_FIELDS), "after": {"deleted": True}},
    )


# --- People -----------------------------------------------------------------------------------


def _check_person(person: User) -> None:
    errors: dict[str, list] = {}
    others = User.objects.exclude(pk=person.pk)
    if others.filter(username__iexact=person.username).exists():
        errors["username"] = [_("This user name is already taken.")]
    if person.mobile and others.filter(mobile=person.mobile).exists():
        errors["mobile"] = [_("Another person already uses this mobile number.")]
    _raise_if(errors)


@transaction.atomic
def person_create(
    *,
    actor,
    unit,
    username,
    full_name,
    mobile=None,
    email="",
    gender="",
    department=None,
    position=None,
    sort_order=0,
) -> User:
    """A person of the unit, with a primary post when a department is given.

    Opening the account is the system administrator's job (三员分立): the person gets no usable
    password and must change the initial one the administrator issues later.
    """
    person = User(
        username=username,
        full_name=full_name,
        mobile=mobile or None,
        email=email or "",
        gender=gender or "",
        unit=unit,
        must_change_password=True,
    )
    person.set_unusable_password()
    _check_person(person)
    if department is not None and department.unit_id != unit.pk:
        raise ValidationError({"department": [_("Choose a department of the person's unit.")]})
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This conflicts with a change saved at the same time. Reload and try again.")
        ) from exc
    audit.record(
        "org.person_created",
        actor=actor,
        obj=person,
        detail={"before": {}, "after": _snapshot(person, PERSON_FIELDS)},
    )
    if department is not None:
        membership_create(
            actor=actor,
            person=person,
            department=department,
            position=position,
            is_primary=True,
            sort_order=sort_order,
        )
    return person


@transaction.atomic
def person_update(*, actor, person, expected_version, full_name, mobile, email, gender="") -> User:
    """Edit a person's name and contact details (accounts, roles and clearances are not here)."""
    before = _snapshot(person, PERSON_FIELDS)
    person.full_name, person.mobile = full_name, mobile or None
    person.email, person.gender = email or "", gender or ""
    _check_person(person)
    values = {f: getattr(person, f) for f in ("full_name", "mobile", "email", "gender")}
    try:
        with transaction.atomic():
            # User is not a BaseModel: the same conditional UPDATE as save_versioned.
            changed = User.objects.filter(pk=person.pk, version=expected_version).update(
                version=F("version") + 1, updated_at=timezone.now(), **values
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This conflicts with a change saved at the same time. Reload and try again.")
        ) from exc
    if changed != 1:
        raise StaleVersionError
    person.version = expected_version + 1
    audit.record(
        "org.person_updated",
        actor=actor,
        obj=person,
        detail=_changes(before, _snapshot(person, PERSON_FIELDS)),
    )
    return person


# --- Posts (memberships) ----------------------------------------------------------------------


@transaction.atomic
def membership_create(
    *, actor, person, department, position=None, is_primary=False, sort_order=0
) -> Membership:
    """A post of a person; one post is primary and the others are concurrent posts (兼职).

    A person's first post is always primary; a new primary post turns the old one concurrent.
    """
    errors: dict[str, list] = {}
    if department.unit_id != person.unit_id or department.deleted_at is not None:
        errors["department"] = [_("Choose a department of the person's unit.")]
    elif Membership.objects.filter(
        user=person, department=department, deleted_at__isnull=True
    ).exists():
        errors["department"] = [_("This person already holds a post in this department.")]
    if position is not None and (
        position.unit_id != person.unit_id or position.deleted_at is not None
    ):
        errors["position"] = [_("Choose a position of the person's unit.")]
    _raise_if(errors)
    live = Membership.objects.select_for_update().filter(user=person, deleted_at__isnull=True)
    current_primary = next((m for m in live if m.is_primary), None)
    demoted = None
    if current_primary is None:
        is_primary = True
    elif is_primary:
        before = current_primary.version
        current_primary.is_primary = False
        _save(current_primary, actor=actor, expected_version=before)
        demoted = current_primary.pk
    post = Membership(
        user=person,
        department=department,
        position=position,
        is_primary=bool(is_primary),
        sort_order=sort_order or 0,
    )
    _save(post, actor=actor, expected_version=None)
    after = _snapshot(post, POST_FIELDS)
    if demoted:
        after["made_concurrent"] = demoted
    audit.record(
        "org.membership_created",
        actor=actor,
        obj=post,
        unit_id=person.unit_id,
        detail={"before": {}, "after": after},
    )
    return post


@transaction.atomic
def membership_delete(*, actor, membership, expected_version) -> None:
    """Remove a post (soft). If it was primary, the next remaining post becomes primary."""
    membership.deleted_at = timezone.now()
    was_primary = membership.is_primary
    membership.is_primary = False
    _save(membership, actor=actor, expected_version=expected_version)
    after: dict = {"deleted": True}
    if was_primary:
        successor = (
            Membership.objects.filter(user_id=membership.user_id, deleted_at__isnull=True)
            .order_by("sort_order", "id")
            .first()
        )
        if successor is not None:
            successor.is_primary = True
            _save(successor, actor=actor, expected_version=successor.version)
            after["made_primary"] = successor.pk
    before = _snapshot(membership, POST_FIELDS)
    before["is_primary"] = was_primary
    audit.record(
        "org.membership_deleted",
        actor=actor,
        obj=membership,
        unit_id=membership.department.unit_id,
        detail={"before": before, "after": after},
    )
