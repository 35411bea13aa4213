"""Organisation maintenance pages for office staff with the organisation role.

Views parse the request, call a selector and at most one service, and render. Anyone without
the role gets 403 on list pages and 404 on object pages (an object outside the user's units is
404 too), and each refusal is audited by ``core.denials.deny``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongshu.core.denials import deny, require
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.models import StaleVersionError

from . import importexport, selectors, services
from .forms import (
    DepartmentForm,
    ImportForm,
    PersonForm,
    PositionForm,
    PostForm,
    UnitForm,
    VersionForm,
)
from .predicates import can_manage_org

PAGE_SIZE = 50
STATUS_INVALID = 400
STATUS_STALE = 412


org_page = require(can_manage_org)  # lists, forms without an object, import and export
org_object = require(can_manage_org, status=404)  # anything addressed by id


def _get(request, getter, pk, object_type: str):
    """Fetch through the visibility selector; what the user may not see is an audited 404."""
    try:
        return getter(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=object_type, object_id=pk)


def _stale(form) -> None:
    form.add_error(None, services.STALE_MESSAGE)


def _with_unit(url_name: str, unit) -> str:
    return f"{reverse(url_name)}?{urlencode({'unit': unit.pk})}"


def _unit_or_404(request):
    unit = selectors.unit_for_request(request.user, request.GET.get("unit"))
    if unit is None:
        deny(request, status=404, object_type="org.unit")
    return unit


def _several_units(user) -> list:
    units = list(selectors.visible_units(user))
    return units if len(units) > 1 else []


# --- Departments ------------------------------------------------------------------------------


@org_page
@require_GET
def department_list(request):
    unit = _unit_or_404(request)
    return render(
        request,
        "org/department_list.html",
        {
            "unit": unit,
            "units": _several_units(request.user),
            "tree": selectors.department_tree(request.user, unit),
        },
    )


@org_page
@require_http_methods(["GET", "POST"])
def department_create(request):
    unit = _unit_or_404(request)
    form = DepartmentForm(request.POST or None, user=request.user, unit=unit)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                department = services.department_create(
                    actor=request.user,
                    unit=unit,
                    name=data["name"],
                    code=data["code"],
                    parent=data["parent"],
                    is_general_office=data["is_general_office"],
                    head=data["head"],
                    leader_in_charge=data["leader_in_charge"],
                    sort_order=data["sort_order"],
                    phone=data["phone"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Department “%s” created.") % department.name)
                return redirect(_with_unit("org:department_list", unit))
    return render(
        request,
        "org/department_form.html",
        {"form": form, "unit": unit, "department": None},
        status=status,
    )


@org_object
@require_http_methods(["GET", "POST"])
def department_edit(request, pk):
    department = _get(request, selectors.department_get_for, pk, "org.department")
    unit = department.unit
    initial = {
        "name": department.name,
        "code": department.code,
        "parent": department.parent_id,
        "is_general_office": department.is_general_office,
        "head": department.head_id,
        "leader_in_charge": department.leader_in_charge_id,
        "sort_order": department.sort_order,
        "phone": department.phone,
        "version": department.version,
    }
    form = DepartmentForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        unit=unit,
        department=department,
    )
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.department_update(
                    actor=request.user,
                    department=department,
                    expected_version=data["version"],
                    name=data["name"],
                    code=data["code"],
                    parent=data["parent"],
                    is_general_office=data["is_general_office"],
                    head=data["head"],
                    leader_in_charge=data["leader_in_charge"],
                    sort_order=data["sort_order"],
                    phone=data["phone"],
                )
            except StaleVersionError:
                _stale(form)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Department “%s” saved.") % department.name)
                return redirect(_with_unit("org:department_list", unit))
    department.refresh_from_db()  # the service may have changed it in memory before refusing
    return render(
        request,
        "org/department_form.html",
        {"form": form, "unit": unit, "department": department},
        status=status,
    )


@org_object
@require_POST
def department_delete(request, pk):
    department = _get(request, selectors.department_get_for, pk, "org.department")
    form = VersionForm(request.POST)
    target = _with_unit("org:department_list", department.unit)
    if not form.is_valid():
        messages.error(request, services.STALE_MESSAGE)
        return redirect(target)
    try:
        services.department_delete(
            actor=request.user, department=department, expected_version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(request, services.STALE_MESSAGE)
        return redirect(reverse("org:department_edit", args=[pk]))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("org:department_edit", args=[pk]))
    messages.success(request, _("Department “%s” deleted.") % department.name)
    return redirect(target)


# --- Units ------------------------------------------------------------------------------------


@org_page
@require_GET
def unit_list(request):
    return render(request, "org/unit_list.html", {"units": selectors.unit_list_for(request.user)})


@org_page
@require_http_methods(["GET", "POST"])
def unit_create(request):
    form = UnitForm(
        request.POST or None, user=request.user, initial={"parent": request.user.unit_id}
    )
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = services.unit_create(
                    actor=request.user,
                    name=data["name"],
                    code=data["code"],
                    short_name=data["short_name"],
                    parent=data["parent"],
                    sort_order=data["sort_order"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Unit “%s” created.") % unit.name)
                return redirect("org:unit_list")
    return render(request, "org/unit_form.html", {"form": form, "unit": None}, status=status)


@org_object
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _get(request, selectors.unit_get_for, pk, "org.unit")
    initial = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "parent": unit.parent_id,
        "principal": unit.principal_id,
        "authorised_signers": list(unit.authorised_signers.values_list("pk", flat=True)),
        "sort_order": unit.sort_order,
        "version": unit.version,
    }
    form = UnitForm(request.POST or None, initial=initial, user=request.user, unit=unit)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.unit_update(
                    actor=request.user,
                    unit=unit,
                    expected_version=data["version"],
                    name=data["name"],
                    code=data["code"],
                    short_name=data["short_name"],
                    parent=data.get("parent", unit.parent),
                    principal=data["principal"],
                    sort_order=data["sort_order"],
                    authorised_signers=data["authorised_signers"],
                )
            except StaleVersionError:
                _stale(form)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Unit “%s” saved.") % unit.name)
                return redirect("org:unit_list")
    unit.refresh_from_db()
    return render(request, "org/unit_form.html", {"form": form, "unit": unit}, status=status)


# --- Positions --------------------------------------------------------------------------------


@org_page
@require_GET
def position_list(request):
    unit = _unit_or_404(request)
    return render(
        request,
        "org/position_list.html",
        {
            "unit": unit,
            "units": _several_units(request.user),
            "positions": selectors.position_list_for(request.user, unit),
        },
    )


@org_page
@require_http_methods(["GET", "POST"])
def position_create(request):
    unit = _unit_or_404(request)
    form = PositionForm(request.POST or None, creating=True)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                position = services.position_create(
                    actor=request.user,
                    unit=unit,
                    name=data["name"],
                    rank=data["rank"],
                    is_leader=data["is_leader"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Position “%s” created.") % position.name)
                return redirect(_with_unit("org:position_list", unit))
    return render(
        request,
        "org/position_form.html",
        {"form": form, "unit": unit, "position": None},
        status=status,
    )


@org_object
@require_http_methods(["GET", "POST"])
def position_edit(request, pk):
    position = _get(request, selectors.position_get_for, pk, "org.position")
    initial = {
        "name": position.name,
        "rank": position.rank,
        "is_leader": position.is_leader,
        "version": position.version,
    }
    form = PositionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.position_update(
                    actor=request.user,
                    position=position,
                    expected_version=data["version"],
                    name=data["name"],
                    rank=data["rank"],
                    is_leader=data["is_leader"],
                )
            except StaleVersionError:
                _stale(form)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Position “%s” saved.") % position.name)
                return redirect(_with_unit("org:position_list", position.unit))
    position.refresh_from_db()
    return render(
        request,
        "org/position_form.html",
        {"form": form, "unit": position.unit, "position": position},
        status=status,
    )


@org_object
@require_POST
def position_delete(request, pk):
    position = _get(request, selectors.position_get_for, pk, "org.position")
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise StaleVersionError
        services.position_delete(
            actor=request.user, position=position, expected_version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(request, services.STALE_MESSAGE)
        return redirect(reverse("org:position_edit", args=[pk]))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("org:position_edit", args=[pk]))
    messages.success(request, _("Position “%s” deleted.") % position.name)
    return redirect(_with_unit("org:position_list", position.unit))


# --- People -----------------------------------------------------------------------------------


def _int_param(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _people_filters(request) -> dict:
    return {
        "q": request.GET.get("q", "").strip()[:60],
        "department_id": _int_param(request.GET.get("department")),
        "position_id": _int_param(request.GET.get("position")),
        "unit_id": _int_param(request.GET.get("unit")),
    }


@org_page
@require_GET
def person_list(request):
    filters = _people_filters(request)
    people, next_after = selectors.people_page(
        request.user, **filters, after=_int_param(request.GET.get("after")), size=PAGE_SIZE
    )
    query = {k: v for k, v in request.GET.items() if k != "after" and v}
    next_query = urlencode({**query, "after": next_after}) if next_after else ""
    return render(
        request,
        "org/person_list.html",
        {
            "people": people,
            "filters": filters,
            "units": _several_units(request.user),
            "departments": selectors.visible_departments(request.user).order_by(
                "unit", "sort_order", "id"
            ),
            "positions": selectors.visible_positions(request.user),
            "next_query": next_query,
            "first_query": urlencode(query),
            "paged": bool(request.GET.get("after")),
            "export_query": urlencode(query),
        },
    )


@org_page
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = services.person_create(
                    actor=request.user,
                    unit=data["unit"],
                    username=data["username"],
                    full_name=data["full_name"],
                    mobile=data["mobile"],
                    email=data["email"],
                    gender=data["gender"],
                    department=data["department"],
                    position=data["position"],
                    sort_order=data["sort_order"] or 0,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%s added. The system administrator opens the account and issues "
                        "the initial password."
                    )
                    % person.full_name,
                )
                return redirect("org:person_detail", pk=person.pk)
    return render(request, "org/person_form.html", {"form": form, "person": None}, status=status)


def _render_person(request, person, post_form, status=200):
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "posts": list(selectors.posts_of_person(person)),
            "post_form": post_form,
        },
        status=status,
    )


@org_object
@require_GET
def person_detail(request, pk):
    person = _get(request, selectors.person_get_for, pk, "org.user")
    return _render_person(request, person, PostForm(user=request.user, person=person))


@org_object
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _get(request, selectors.person_get_for, pk, "org.user")
    initial = {
        "full_name": person.full_name,
        "mobile": person.mobile or "",
        "email": person.email,
        "gender": person.gender,
        "version": person.version,
    }
    form = PersonForm(request.POST or None, initial=initial, user=request.user, person=person)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.person_update(
                    actor=request.user,
                    person=person,
                    expected_version=data["version"],
                    full_name=data["full_name"],
                    mobile=data["mobile"],
                    email=data["email"],
                    gender=data["gender"],
                )
            except StaleVersionError:
                _stale(form)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("%s saved.") % person.full_name)
                return redirect("org:person_detail", pk=person.pk)
    person.refresh_from_db()
    return render(request, "org/person_form.html", {"form": form, "person": person}, status=status)


@org_object
@require_POST
def post_create(request, pk):
    person = _get(request, selectors.person_get_for, pk, "org.user")
    form = PostForm(request.POST, user=request.user, person=person)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_create(
                actor=request.user,
                person=person,
                department=data["department"],
                position=data["position"],
                is_primary=data["is_primary"],
                sort_order=data["sort_order"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Post added."))
            return redirect("org:person_detail", pk=person.pk)
    return _render_person(request, person, form, status=STATUS_INVALID)


@org_object
@require_POST
def post_delete(request, pk):
    membership = _get(request, selectors.membership_get_for, pk, "org.membership")
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise StaleVersionError
        services.membership_delete(
            actor=request.user,
            membership=membership,
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersionError:
        messages.error(request, services.STALE_MESSAGE)
    else:
        messages.success(request, _("Post removed."))
    return redirect("org:person_detail", pk=membership.user_id)


# --- Import and export ------------------------------------------------------------------------


@org_page
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": request.GET.get("kind", "people")},
    )
    result = None
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            run = (
                importexport.departments_import
                if data["kind"] == "departments"
                else importexport.people_import
            )
            result = run(actor=request.user, unit=data["unit"], uploaded=data["file"])
            if result.ok:
                if data["kind"] == "departments":
                    messages.success(
                        request,
                        _("Import done: %(created)d departments added, %(updated)d changed.")
                        % {"created": result.created, "updated": result.updated},
                    )
                    return redirect(_with_unit("org:department_list", data["unit"]))
                messages.success(
                    request,
                    _("Import done: %(created)d people added.") % {"created": result.created},
                )
                return redirect("org:person_list")
    return render(request, "org/import.html", {"form": form, "result": result}, status=status)


@org_page
@require_GET
def import_template(request):
    kind = "departments" if request.GET.get("kind") == "departments" else "people"
    return importexport.template_response(kind)


@org_page
@require_GET
def export_departments(request):
    unit = _unit_or_404(request)
    tree = selectors.department_tree(request.user, unit)
    return importexport.departments_export(actor=request.user, unit=unit, tree=tree)


@org_page
@require_GET
def export_people(request):
    people = selectors.people_filtered(request.user, **_people_filters(request))
    return importexport.people_export(actor=request.user, people=people)
