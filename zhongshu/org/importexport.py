"""Excel import and export of departments and people (issue: "Excel import … with a row-by-row
error report and nothing written when any row is bad (role and clearance columns are refused);
Excel export of the same").

An import reads the whole sheet, checks every row and reports every problem as
"row N: column: problem"; only a file without any problem is written, in one transaction,
through the same services as the pages (so each record is audited). Exports use the same
columns, so an exported department sheet can be edited and imported again.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.excel import WorkbookError, read_rows, workbook_response

from . import services
from .models import Department, Membership, Position, User, mobile_validator

# Column headers are part of the file format that offices fill in, so they stay in Chinese
# whatever the interface language is (like the national-standard names elsewhere).
COL_DEPT_CODE = "部门编码"
COL_DEPT_NAME = "部门名称"
COL_PARENT_CODE = "上级部门编码"
COL_GENERAL_OFFICE = "是否办公室"
COL_SORT = "排序"
COL_PHONE = "电话"
COL_HEAD = "负责人"
COL_LEADER = "分管领导"
COL_PEOPLE = "人数"
COL_UNIT = "单位"
COL_USERNAME = "用户名"
COL_FULL_NAME = "姓名"
COL_MOBILE = "手机"
COL_EMAIL = "邮箱"
COL_POSITION = "职务"
COL_CONCURRENT = "是否兼职"
YES, NO = "是", "否"

DEPARTMENT_COLUMNS = {
    COL_DEPT_CODE: "code",
    COL_DEPT_NAME: "name",
    COL_PARENT_CODE: "parent_code",
    COL_GENERAL_OFFICE: "is_general_office",
    COL_SORT: "sort_order",
    COL_PHONE: "phone",
}
DEPARTMENT_REQUIRED = (COL_DEPT_CODE, COL_DEPT_NAME)
DEPARTMENT_EXPORT_ONLY = (COL_HEAD, COL_LEADER, COL_PEOPLE, COL_UNIT)

PEOPLE_COLUMNS = {
    COL_USERNAME: "username",
    COL_FULL_NAME: "full_name",
    COL_MOBILE: "mobile",
    COL_EMAIL: "email",
    COL_DEPT_CODE: "department_code",
    COL_POSITION: "position",
    COL_SORT: "sort_order",
    COL_CONCURRENT: "concurrent",
}
PEOPLE_REQUIRED = (COL_USERNAME, COL_FULL_NAME)
PEOPLE_EXPORT_ONLY = (COL_DEPT_NAME, COL_UNIT)

# Roles, clearances and the three administrators are granted by the security administrator
# only (三员分立): a sheet that tries to carry them is refused as a whole.
REFUSED_COLUMN = re.compile(r"角色|role|密级|clearance|三员|管理员|admin|权限|permission", re.I)
TRUE_WORDS = {"是", "y", "yes", "true", "1", "✓", "√"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0"}

WORKBOOK_MESSAGES = {
    "too_big": gettext_lazy("The file is too large."),
    "not_xlsx": gettext_lazy("This is not an Excel workbook (.xlsx). Save it as .xlsx and retry."),
    "unreadable": gettext_lazy("The workbook is damaged or cannot be read."),
    "too_many_rows": gettext_lazy("The sheet has too many rows. Split it into smaller files."),
}


@dataclass
class RowError:
    row: int | None  # the spreadsheet row (the header is row 1); None for the whole file
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("row %(row)s: %(column)s: %(problem)s") % {
            "row": self.row,
            "column": self.column or "—",
            "problem": self.message,
        }


@dataclass
class ImportResult:
    kind: str
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowFailed(Exception):
    """A row refused while writing (a concurrent change): the whole import rolls back."""

    def __init__(self, row: int, error: ValidationError):
        super().__init__(row)
        self.row = row
        self.error = error


# --- Reading cells ----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile number typed as a number arrives as 13800000000.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # our own exports escape formula-like cells this way
    return text


def _flag(value) -> bool | None:
    """是/否 and the usual spellings; None when the cell is neither."""
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _check_header(header, columns, required, export_only) -> tuple[dict[str, int], list]:
    """Map known columns to their index; refuse role/clearance, unknown and missing columns."""
    errors, index = [], {}
    for position, name in enumerate(header):
        if not name:
            continue
        if REFUSED_COLUMN.search(name):
            errors.append(
                RowError(
                    1,
                    name,
                    _(
                        "this column is not accepted: roles and clearances are granted by the "
                        "security administrator, not imported."
                    ),
                )
            )
        elif name in index:
            errors.append(RowError(1, name, _("the column appears twice.")))
        elif name in columns:
            index[name] = position
        elif name not in export_only:
            allowed = "、".join(columns)
            errors.append(
                RowError(1, name, _("unknown column; the columns are: %(c)s.") % {"c": allowed})
            )
    for name in required:
        if name not in index and not any(e.column == name for e in errors):
            errors.append(RowError(1, name, _("this required column is missing.")))
    return index, errors


def _read(uploaded, columns, required, export_only):
    """(rows as {column: value} with their row number, errors) — errors mean stop here."""
    try:
        header, rows = read_rows(
            uploaded, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS
        )
    except WorkbookError as exc:
        message = WORKBOOK_MESSAGES.get(str(exc), WORKBOOK_MESSAGES["unreadable"])
        return [], [RowError(None, "", str(message))]
    index, errors = _check_header(header, columns, required, export_only)
    if errors:
        return [], errors
    if not rows:
        return [], [RowError(None, "", _("The sheet has no data rows."))]
    records = []
    for number, values in rows:
        record = {name: (values[i] if i < len(values) else None) for name, i in index.items()}
        records.append((number, record))
    return records, []


# --- Departments ------------------------------------------------------------------------------


@dataclass
class _DepartmentRow:
    row: int
    code: str
    name: str
    parent_code: str
    is_general_office: bool
    sort_order: int | None
    phone: str


def _parse_department(number, record, errors) -> _DepartmentRow | None:
    before = len(errors)

    def text(column, limit, required=False):
        value = _text(record.get(column))
        if required and not value:
            errors.append(RowError(number, column, _("this field is required.")))
        elif len(value) > limit:
            errors.append(RowError(number, column, _("at most %(n)d characters.") % {"n": limit}))
        return value

    code = text(COL_DEPT_CODE, 30, required=True)
    name = text(COL_DEPT_NAME, 100, required=True)
    parent_code = text(COL_PARENT_CODE, 30)
    phone = text(COL_PHONE, 40)
    office = _flag(record.get(COL_GENERAL_OFFICE))
    if office is None:
        errors.append(RowError(number, COL_GENERAL_OFFICE, _("write 是 or 否.")))
    sort_order = _int(number, COL_SORT, record.get(COL_SORT), errors)
    if len(errors) > before:
        return None
    return _DepartmentRow(number, code, name, parent_code, bool(office), sort_order, phone)


def _int(number, column, value, errors) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        errors.append(RowError(number, column, _("enter a whole number of 0 or more.")))
        return None
    return int(text)


def departments_import(*, actor, unit, uploaded) -> ImportResult:
    """Create or update (by 部门编码) a unit's departments from a sheet, all or nothing.

    The rules of the page apply to the sheet as a whole: a parent must exist in the unit or in
    the sheet, no department may end up under itself, and the unit keeps one general office.
    """
    result = ImportResult("departments")
    records, result.errors = _read(
        uploaded, DEPARTMENT_COLUMNS, DEPARTMENT_REQUIRED, DEPARTMENT_EXPORT_ONLY
    )
    if result.errors:
        return result
    errors = result.errors
    rows: dict[str, _DepartmentRow] = {}
    for number, record in records:
        parsed = _parse_department(number, record, errors)
        if parsed is None:
            continue
        if parsed.code in rows:
            errors.append(
                RowError(
                    number,
                    COL_DEPT_CODE,
                    _("the code %(code)s also appears in row %(row)d.")
                    % {"code": parsed.code, "row": rows[parsed.code].row},
                )
            )
            continue
        rows[parsed.code] = parsed
    existing = {
        d.code: d
        for d in Department.objects.filter(unit=unit, deleted_at__isnull=True).select_related(
            "parent"
        )
    }
    # The tree as it will be once the sheet is applied.
    parent_of = {code: (d.parent.code if d.parent else "") for code, d in existing.items()}
    parent_of.update({code: r.parent_code for code, r in rows.items()})
    for code, r in rows.items():
        if not r.parent_code:
            continue
        if r.parent_code not in parent_of:
            errors.append(
                RowError(
                    r.row,
                    COL_PARENT_CODE,
                    _("no department with code %(code)s in this unit or in the sheet.")
                    % {"code": r.parent_code},
                )
            )
            continue
        ancestor, steps = r.parent_code, 0
        while ancestor and steps <= len(parent_of):
            if ancestor == code:
                errors.append(
                    RowError(
                        r.row,
                        COL_PARENT_CODE,
                        _(
                            "%(code)s would be placed under itself or one of its own "
                            "sub-departments."
                        )
                        % {"code": code},
                    )
                )
                break
            ancestor, steps = parent_of.get(ancestor, ""), steps + 1
    offices = {c for c, d in existing.items() if d.is_general_office and c not in rows}
    offices |= {c for c, r in rows.items() if r.is_general_office}
    if len(offices) > 1:
        listed = "、".join(sorted(offices))
        for r in rows.values():
            if r.is_general_office:
                errors.append(
                    RowError(
                        r.row,
                        COL_GENERAL_OFFICE,
                        _("a unit has one general office, but this would make %(codes)s.")
                        % {"codes": listed},
                    )
                )
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        return result
    try:
        with transaction.atomic():
            _write_departments(actor, unit, rows, existing, result)
            _record_import(actor, unit, uploaded, result)
    except _RowFailed as failed:
        result.created = result.updated = 0
        for message in failed.error.messages:
            errors.append(RowError(failed.row, "", message))
    return result


def _topological(rows: dict[str, _DepartmentRow]) -> list[_DepartmentRow]:
    ordered, done = [], set()

    def visit(code, path=()):
        if code in done or code not in rows or code in path:
            return
        visit(rows[code].parent_code, (*path, code))
        done.add(code)
        ordered.append(rows[code])

    for code in rows:
        visit(code)
    return ordered


def _write_departments(actor, unit, rows, existing, result) -> None:
    by_code = dict(existing)
    # A general office handed from one department to another: clear the old mark first.
    for code, r in rows.items():
        current = existing.get(code)
        if current is not None and current.is_general_office and not r.is_general_office:
            _department_save(actor, current, r.row, is_general_office=False)
    for r in _topological(rows):
        parent = by_code.get(r.parent_code) if r.parent_code else None
        current = by_code.get(r.code)
        try:
            if current is None:
                by_code[r.code] = services.department_create(
                    actor=actor,
                    unit=unit,
                    name=r.name,
                    code=r.code,
                    parent=parent,
                    is_general_office=r.is_general_office,
                    sort_order=r.sort_order or 0,
                    phone=r.phone,
                )
                result.created += 1
                continue
        except ValidationError as exc:
            raise _RowFailed(r.row, exc) from exc
        changed = _department_save(
            actor,
            current,
            r.row,
            name=r.name,
            parent=parent,
            is_general_office=r.is_general_office,
            sort_order=current.sort_order if r.sort_order is None else r.sort_order,
            phone=r.phone,
        )
        result.updated += int(changed)


def _department_save(actor, department, row, **values) -> bool:
    fields = {
        "name": department.name,
        "code": department.code,
        "parent": department.parent,
        "is_general_office": department.is_general_office,
        "head": department.head,
        "leader_in_charge": department.leader_in_charge,
        "sort_order": department.sort_order,
        "phone": department.phone,
    }
    wanted = {**fields, **values}
    same_parent = (wanted["parent"] and wanted["parent"].pk) == department.parent_id
    if same_parent and all(wanted[k] == fields[k] for k in fields if k != "parent"):
        return False
    try:
        services.department_update(
            actor=actor, department=department, expected_version=department.version, **wanted
        )
    except ValidationError as exc:
        raise _RowFailed(row, exc) from exc
    return True


# --- People -----------------------------------------------------------------------------------


class _PersonRowForm(forms.Form):
    """The checks of the person form, applied to one sheet row."""

    username = forms.CharField(
        max_length=40, validators=User._meta.get_field("username").validators
    )
    full_name = forms.CharField(max_length=60)
    mobile = forms.CharField(max_length=11, required=False, validators=[mobile_validator])
    email = forms.EmailField(required=False)
    department_code = forms.CharField(max_length=30, required=False)
    position = forms.CharField(max_length=60, required=False)
    sort_order = forms.IntegerField(min_value=0, required=False)


@dataclass
class _PersonRow:
    row: int
    username: str
    full_name: str
    mobile: str
    email: str
    department_code: str
    position: str
    sort_order: int
    concurrent: bool


def _parse_person(number, record, errors) -> _PersonRow | None:
    data = {PEOPLE_COLUMNS[c]: _text(v) for c, v in record.items() if c != COL_CONCURRENT}
    form = _PersonRowForm(data)
    column_of = {f: c for c, f in PEOPLE_COLUMNS.items()}
    valid = form.is_valid()
    for name, messages in form.errors.items():
        for message in messages:
            errors.append(RowError(number, column_of.get(name, ""), message))
    concurrent = _flag(record.get(COL_CONCURRENT))
    if concurrent is None:
        errors.append(RowError(number, COL_CONCURRENT, _("write 是 or 否.")))
    if not valid or concurrent is None:
        return None
    d = form.cleaned_data
    return _PersonRow(
        number,
        d["username"],
        d["full_name"],
        d["mobile"],
        d["email"],
        d["department_code"],
        d["position"],
        d["sort_order"] or 0,
        concurrent,
    )


def people_import(*, actor, unit, uploaded) -> ImportResult:
    """Add people of a unit with their posts, all or nothing.

    One row per post: the row with 是否兼职 = 否 is the primary post, the others are concurrent
    posts (兼职). Imported people get no usable password and must change the initial password
    that the system administrator issues (account opening is the administrator's job).
    """
    result = ImportResult("people")
    records, result.errors = _read(uploaded, PEOPLE_COLUMNS, PEOPLE_REQUIRED, PEOPLE_EXPORT_ONLY)
    if result.errors:
        return result
    errors = result.errors
    parsed: list[_PersonRow] = []
    for number, record in records:
        row = _parse_person(number, record, errors)
        if row is not None:
            parsed.append(row)
    departments = {d.code: d for d in Department.objects.filter(unit=unit, deleted_at__isnull=True)}
    positions = {p.name: p for p in Position.objects.filter(unit=unit, deleted_at__isnull=True)}
    groups: dict[str, list[_PersonRow]] = {}
    for row in parsed:
        groups.setdefault(row.username.lower(), []).append(row)
        if row.department_code and row.department_code not in departments:
            errors.append(
                RowError(
                    row.row,
                    COL_DEPT_CODE,
                    _("no department with code %(code)s in this unit.")
                    % {"code": row.department_code},
                )
            )
        if row.position and row.position not in positions:
            errors.append(
                RowError(
                    row.row,
                    COL_POSITION,
                    _("no position named %(name)s in this unit.") % {"name": row.position},
                )
            )
        if row.position and not row.department_code:
            errors.append(RowError(row.row, COL_DEPT_CODE, _("a position needs a department.")))
        if row.concurrent and not row.department_code:
            errors.append(
                RowError(row.row, COL_DEPT_CODE, _("a concurrent post needs a department."))
            )
    taken = set(
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=list(groups))
        .values_list("key", flat=True)
    )
    mobiles_taken = set(
        User.objects.filter(mobile__in=[r.mobile for r in parsed if r.mobile]).values_list(
            "mobile", flat=True
        )
    )
    mobile_rows: dict[str, int] = {}
    for key, rows in groups.items():
        first = rows[0]
        if key in taken:
            errors.append(
                RowError(
                    first.row,
                    COL_USERNAME,
                    _("%(name)s already exists; change existing people on their page.")
                    % {"name": first.username},
                )
            )
        for row in rows[1:]:
            for column, attr in (
                (COL_FULL_NAME, "full_name"),
                (COL_MOBILE, "mobile"),
                (COL_EMAIL, "email"),
            ):
                value = getattr(row, attr)
                if value and value != getattr(first, attr):
                    errors.append(
                        RowError(
                            row.row,
                            column,
                            _("differs from row %(row)d for the same user name.")
                            % {"row": first.row},
                        )
                    )
        mobile = first.mobile
        if mobile:
            if mobile in mobiles_taken:
                errors.append(RowError(first.row, COL_MOBILE, _("another person already uses it.")))
            elif mobile in mobile_rows:
                errors.append(
                    RowError(
                        first.row,
                        COL_MOBILE,
                        _("also used in row %(row)d.") % {"row": mobile_rows[mobile]},
                    )
                )
            mobile_rows.setdefault(mobile, first.row)
        posts = [r for r in rows if r.department_code]
        primaries = [r for r in posts if not r.concurrent]
        if posts and not primaries:
            errors.append(
                RowError(
                    posts[0].row,
                    COL_CONCURRENT,
                    _("one post of each person must be the primary post (是否兼职 = 否)."),
                )
            )
        for extra in primaries[1:]:
            errors.append(
                RowError(
                    extra.row,
                    COL_CONCURRENT,
                    _("row %(row)d is already this person's primary post; write 是 here.")
                    % {"row": primaries[0].row},
                )
            )
        seen: dict[str, int] = {}
        for r in posts:
            if r.department_code in seen:
                errors.append(
                    RowError(
                        r.row,
                        COL_DEPT_CODE,
                        _("the same department as row %(row)d.") % {"row": seen[r.department_code]},
                    )
                )
            seen.setdefault(r.department_code, r.row)
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        return result
    try:
        with transaction.atomic():
            for rows in groups.values():
                _write_person(actor, unit, rows, departments, positions)
                result.created += 1
            _record_import(actor, unit, uploaded, result)
    except _RowFailed as failed:
        result.created = 0
        for message in failed.error.messages:
            errors.append(RowError(failed.row, "", message))
    return result


def _write_person(actor, unit, rows, departments, positions) -> None:
    first = rows[0]
    primary = next((r for r in rows if r.department_code and not r.concurrent), None)
    current = first
    try:
        person = services.person_create(
            actor=actor,
            unit=unit,
            username=first.username,
            full_name=first.full_name,
            mobile=first.mobile or next((r.mobile for r in rows if r.mobile), None),
            email=first.email or next((r.email for r in rows if r.email), ""),
            department=departments[primary.department_code] if primary else None,
            position=positions.get(primary.position) if primary else None,
            sort_order=primary.sort_order if primary else 0,
        )
        for current in rows:
            if current is primary or not current.department_code:
                continue
            services.membership_create(
                actor=actor,
                person=person,
                department=departments[current.department_code],
                position=positions.get(current.position),
                is_primary=False,
                sort_order=current.sort_order,
            )
    except ValidationError as exc:
        raise _RowFailed(current.row, exc) from exc


def _record_import(actor, unit, uploaded, result: ImportResult) -> None:
    audit.record(
        "org.import",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        detail={
            "before": {},
            "after": {
                "kind": result.kind,
                "file": getattr(uploaded, "name", "")[:200],
                "created": result.created,
                "updated": result.updated,
            },
        },
    )


# --- Templates and exports --------------------------------------------------------------------

DEPARTMENT_TEMPLATE = [
    COL_DEPT_CODE,
    COL_DEPT_NAME,
    COL_PARENT_CODE,
    COL_GENERAL_OFFICE,
    COL_SORT,
    COL_PHONE,
]
PEOPLE_TEMPLATE = [
    COL_USERNAME,
    COL_FULL_NAME,
    COL_MOBILE,
    COL_EMAIL,
    COL_DEPT_CODE,
    COL_POSITION,
    COL_SORT,
    COL_CONCURRENT,
]


def template_response(kind: str):
    """An empty sheet with the header row of the chosen import."""
    if kind == "departments":
        return workbook_response(
            "departments-template.xlsx", _("Departments"), DEPARTMENT_TEMPLATE, []
        )
    return workbook_response("people-template.xlsx", _("People"), PEOPLE_TEMPLATE, [])


def departments_export(*, actor, unit, tree):
    """The unit's departments in tree order, in the import's columns plus who leads them."""
    headers = [*DEPARTMENT_TEMPLATE, COL_HEAD, COL_LEADER, COL_PEOPLE]
    rows = [
        [
            d.code,
            d.name,
            d.parent.code if d.parent_id and d.parent else "",
            YES if d.is_general_office else NO,
            d.sort_order,
            d.phone,
            d.head.full_name if d.head else "",
            d.leader_in_charge.full_name if d.leader_in_charge else "",
            d.people_count,
        ]
        for d, _depth in tree
    ]
    audit.record(
        "org.export",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        detail={"before": {}, "after": {"kind": "departments", "rows": len(rows)}},
    )
    return workbook_response(f"departments-{unit.code}.xlsx", _("Departments"), headers, rows)


def people_export(*, actor, people):
    """One row per post (a person without a post gets one row), in the import's columns."""
    headers = [*PEOPLE_TEMPLATE, COL_DEPT_NAME, COL_UNIT]
    rows = []
    for person in people.order_by("pk").iterator(chunk_size=500):
        posts: list[Membership] = list(person.live_posts) or [None]
        for post in posts:
            rows.append(
                [
                    person.username,
                    person.full_name,
                    person.mobile or "",
                    person.email,
                    post.department.code if post else "",
                    post.position.name if post and post.position else "",
                    post.sort_order if post else "",
                    (NO if post.is_primary else YES) if post else "",
                    post.department.name if post else "",
                    person.unit.name if person.unit else "",
                ]
            )
    audit.record(
        "org.export",
        actor=actor,
        object_type="org.user",
        detail={"before": {}, "after": {"kind": "people", "rows": len(rows)}},
    )
    return workbook_response("people.xlsx", _("People"), headers, rows)
