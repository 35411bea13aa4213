"""Every read of organisation data, already filtered by what the user may see.

Visibility: the three administrators read no organisation content here (their consoles have
their own selectors); everyone else sees the people and departments of their own unit, and an
organisation maintainer of a parent unit also sees its subordinate units.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Department, Membership, Position, Unit, User
from .predicates import can_manage_org


def visible_unit_ids(user) -> list[int]:
    if not user.is_authenticated or user.admin_role or user.unit_id is None:
        return []
    ids = [user.unit_id]
    if can_manage_org(user):
        ids += list(
            Unit.objects.filter(parent_id=user.unit_id, deleted_at__isnull=True).values_list(
                "id", flat=True
            )
        )
    return ids


def visible_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(id__in=visible_unit_ids(user), deleted_at__isnull=True)


def visible_departments(user) -> QuerySet[Department]:
    return Department.objects.filter(
        unit_id__in=visible_unit_ids(user), deleted_at__isnull=True
    ).select_related("unit", "parent", "head", "leader_in_charge")


def visible_positions(user) -> QuerySet[Position]:
    return Position.objects.filter(unit_id__in=visible_unit_ids(user), deleted_at__isnull=True)


def visible_people(user) -> QuerySet[User]:
    """People of the visible units, with their live posts prefetched (constant queries)."""
    posts = Membership.objects.filter(deleted_at__isnull=True).select_related(
        "department", "position"
    )
    return (
        User.objects.filter(unit_id__in=visible_unit_ids(user), closed_at__isnull=True)
        .select_related("unit")
        .prefetch_related(Prefetch("memberships", queryset=posts, to_attr="live_posts"))
    )


# --- Organisation maintenance (views_org) -------------------------------------------------------
# The getters below fetch and authorise in one call: an object outside the user's units is
# simply not found (404), the same answer as one that does not exist.


def unit_get_for(user, pk) -> Unit:
    return get_object_or_404(visible_units(user).select_related("parent", "principal"), pk=pk)


def department_get_for(user, pk) -> Department:
    return get_object_or_404(visible_departments(user), pk=pk)


def position_get_for(user, pk) -> Position:
    return get_object_or_404(visible_positions(user).select_related("unit"), pk=pk)


def person_get_for(user, pk) -> User:
    return get_object_or_404(visible_people(user), pk=pk)


def membership_get_for(user, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(
            deleted_at__isnull=True,
            user__unit_id__in=visible_unit_ids(user),
            user__closed_at__isnull=True,
        ).select_related("user", "department", "position"),
        pk=pk,
    )


def unit_for_request(user, unit_id) -> Unit | None:
    """The unit a page works on: the one asked for (None if not visible), else the user's own."""
    units = list(visible_units(user))
    if unit_id:
        return next((u for u in units if str(u.pk) == str(unit_id)), None)
    return next((u for u in units if u.pk == user.unit_id), units[0] if units else None)


def department_tree(user, unit) -> list[tuple[Department, int]]:
    """A unit's departments in tree order with their depth and live people count (one query).

    Departments whose parent is missing from the unit (deleted or foreign) are shown as roots,
    so nothing is ever hidden by a broken link.
    """
    departments = list(
        visible_departments(user)
        .filter(unit=unit)
        .annotate(
            people_count=Count(
                "memberships",
                filter=Q(
                    memberships__deleted_at__isnull=True, memberships__user__closed_at__isnull=True
                ),
            )
        )
        .order_by("sort_order", "id")
    )
    by_id = {d.pk: d for d in departments}
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        parent = department.parent_id if department.parent_id in by_id else None
        children.setdefault(parent, []).append(department)
    ordered: list[tuple[Department, int]] = []
    stack = [(d, 0) for d in reversed(children.get(None, []))]
    seen = set()
    while stack:
        department, depth = stack.pop()
        if department.pk in seen:  # a cycle written behind our back must not loop forever
            continue
        seen.add(department.pk)
        ordered.append((department, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(department.pk, [])))
    return ordered


def department_descendant_ids(department) -> set[int]:
    """Ids of every live department below ``department`` (one query for the unit's tree)."""
    links = Department.objects.filter(unit_id=department.unit_id, deleted_at__isnull=True)
    children: dict[int, list[int]] = {}
    for pk, parent_id in links.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = [department.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def people_page(
    user,
    *,
    q: str = "",
    department_id=None,
    position_id=None,
    unit_id=None,
    after: int | None = None,
    size: int = 50,
    directory: bool = False,
) -> tuple[list[User], int | None]:
    """One keyset page of people ordered by id, and the id to continue after (or None).

    Never a COUNT of the table and never an OFFSET (UI.md "Lists"). ``directory`` keeps the
    staff directory's view: active business users only, no administrator accounts.
    """
    people = people_filtered(
        user, q=q, department_id=department_id, position_id=position_id, unit_id=unit_id
    )
    if directory:
        people = people.filter(is_active=True, admin_role="")
    if after:
        people = people.filter(pk__gt=after)
    rows = list(people.order_by("pk")[: size + 1])
    if len(rows) > size:
        rows = rows[:size]
        return rows, rows[-1].pk
    return rows, None


def people_filtered(user, *, q="", department_id=None, position_id=None, unit_id=None):
    people = visible_people(user)
    q = (q or "").strip()[:60]
    if q:
        people = people.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Q(mobile__icontains=q)
        )
    if unit_id:
        people = people.filter(unit_id=unit_id)
    posts = Membership.objects.filter(user=OuterRef("pk"), deleted_at__isnull=True)
    if department_id:
        people = people.filter(Exists(posts.filter(department_id=department_id)))
    if position_id:
        people = people.filter(Exists(posts.filter(position_id=position_id)))
    return people


def unit_people(user, unit) -> QuerySet[User]:
    """People one may pick as a unit's principal or a department's head (same unit only)."""
    return (
        User.objects.filter(
            unit_id__in=visible_unit_ids(user), closed_at__isnull=True, is_active=True
        )
        .filter(unit=unit)
        .order_by("full_name", "id")
    )


def unit_list_for(user) -> list[Unit]:
    return list(
        visible_units(user)
        .select_related("parent", "principal")
        .annotate(
            department_count=Count(
                "departments", filter=Q(departments__deleted_at__isnull=True), distinct=True
            )
        )
        .order_by("sort_order", "id")
    )


def position_list_for(user, unit) -> list[Position]:
    return list(
        visible_positions(user)
        .filter(unit=unit)
        .annotate(
            people_count=Count(
                "memberships",
                filter=Q(
                    memberships__deleted_at__isnull=True, memberships__user__closed_at__isnull=True
                ),
            )
        )
        .order_by("rank", "id")
    )


def posts_of_person(person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=person, deleted_at__isnull=True)
        .select_related("department", "position")
        .order_by("-is_primary", "sort_order", "id")
    )


def title_of(person) -> str:
    """The person's 职务 as printed under their name: the position of their primary post."""
    post = posts_of_person(person).filter(position__isnull=False).first()
    return post.position.name if post else ""


def own_account(user) -> User:
    """The signed-in user's own account with unit and live posts (``GET /api/me/``)."""
    posts = Membership.objects.filter(deleted_at__isnull=True).select_related(
        "department", "position"
    )
    return (
        User.objects.select_related("unit")
        .prefetch_related(Prefetch("memberships", queryset=posts, to_attr="live_posts"))
        .get(pk=user.pk)
    )


def accounts_for_administrators(
    *, q="", state="", unit=None, before=None, limit=51, with_roles=False
) -> list[User]:
    """Accounts as the system and security administrators list them (newest first, keyset on
    id). Account data only: their consoles show no business content."""
    from django.db.models import Q

    from .models import UserRole

    queryset = User.objects.select_related("unit")
    if q:
        queryset = queryset.filter(Q(full_name__icontains=q) | Q(username__icontains=q))
    if state == "active":
        queryset = queryset.filter(is_active=True, closed_at__isnull=True)
    elif state == "disabled":
        queryset = queryset.filter(is_active=False, closed_at__isnull=True)
    elif state == "closed":
        queryset = queryset.filter(closed_at__isnull=False)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if before:
        queryset = queryset.filter(pk__lt=before)
    if with_roles:
        queryset = queryset.prefetch_related(
            Prefetch("role_grants", queryset=UserRole.objects.order_by("role"), to_attr="grants")
        )
    return list(queryset.order_by("-pk")[:limit])


def account_for_administrators(pk) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(User.objects.select_related("unit", "clearance_granted_by"), pk=pk)


def colleague_candidates(user, *, q: str = "", pk=None, limit: int = 20) -> tuple[list[User], bool]:
    """Colleagues ``user`` may hand work to (the picker of transfer, 加签 and delegation).

    Active business users of the user's own unit — never the three administrators, closed or
    disabled accounts, other units, or the user themself — matching ``q`` by name, user name or
    the name of one of their departments; or the one with ``pk``. At most ``limit`` rows, and
    whether there were more. Two queries whatever the size: the people, then their live posts
    (``live_posts``, primary first). The services check the chosen person again.
    """
    q = (q or "").strip()[:60]
    if not user.is_authenticated or user.admin_role or user.unit_id is None:
        return [], False
    if not q and pk is None:
        return [], False
    people = User.objects.filter(
        unit_id=user.unit_id, is_active=True, closed_at__isnull=True, admin_role=""
    ).exclude(pk=user.pk)
    if pk is not None:
        people = people.filter(pk=pk)
    if q:
        in_department = Membership.objects.filter(
            user=OuterRef("pk"),
            deleted_at__isnull=True,
            department__deleted_at__isnull=True,
            department__name__icontains=q,
        )
        people = people.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Exists(in_department)
        )
    posts = (
        Membership.objects.filter(deleted_at__isnull=True, department__deleted_at__isnull=True)
        .select_related("department")
        .order_by("-is_primary", "sort_order", "id")
    )
    rows = list(
        people.prefetch_related(
            Prefetch("memberships", queryset=posts, to_attr="live_posts")
        ).order_by("full_name", "pk")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def unit_leaders(unit_id) -> list[User]:
    """The unit's leaders (领导班子): active people with a live post in a leader position, by the
    position's rank, each once."""
    posts = (
        Membership.objects.filter(
            department__unit_id=unit_id,
            deleted_at__isnull=True,
            position__is_leader=True,
            user__is_active=True,
            user__closed_at__isnull=True,
        )
        .select_related("user", "position")
        .order_by("position__rank", "sort_order", "id")
    )
    seen: dict[int, User] = {}
    for post in posts:
        seen.setdefault(post.user_id, post.user)
    return list(seen.values())


def general_office_heads(unit_id) -> list[User]:
    """The head of the unit's general office (办公室主任), as a list (empty when none is set)."""
    office = (
        Department.objects.filter(unit_id=unit_id, is_general_office=True, deleted_at__isnull=True)
        .select_related("head")
        .first()
    )
    return [office.head] if office and office.head_id else []
