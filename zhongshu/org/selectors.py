"""Every read of organisation data, already filtered by what the user may see.

Visibility: the three administrators read no organisation content here (their consoles have
their own selectors); everyone else sees the people and departments of their own unit, and an
organisation maintainer of a parent unit also sees its subordinate units.
"""

from django.db.models import Prefetch, QuerySet

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
