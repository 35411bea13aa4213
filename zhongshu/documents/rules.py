"""Who may do what with outgoing documents (STYLE.md "predicates": each takes the user first).

Visibility (issue 4 §11): the drafter, the people in its approval route (and those a delegate
acted for), its internal recipients and the general office see a document of their own unit —
never one marked above their clearance, whoever they are.
"""

from django.conf import settings

from zhongshu.core.models import Classification
from zhongshu.core.rules import is_business_user
from zhongshu.org.models import Membership

SUBJECT_KIND = "documents.outgoing"  # the workflow subject, the files owner type
SEARCH_KIND = "documents_outgoing"  # the search kind (a search kind is one FTS token)
INCOMING_KIND = "documents.incoming"  # the files owner type of incoming documents
MEMO_KIND = "documents.memo"  # internal memos (签报): the workflow subject, the files owner type


def office_department_ids(user) -> list[int]:
    """The general office departments ``user`` belongs to (at most one per unit)."""
    if not is_business_user(user):
        return []
    return list(
        Membership.objects.filter(
            user=user,
            deleted_at__isnull=True,
            department__is_general_office=True,
            department__deleted_at__isnull=True,
        ).values_list("department_id", flat=True)
    )


def departments_of(user) -> list:
    """The departments ``user`` holds a post in, the primary post first."""
    if not is_business_user(user):
        return []
    posts = (
        Membership.objects.filter(
            user=user, deleted_at__isnull=True, department__deleted_at__isnull=True
        )
        .select_related("department")
        .order_by("-is_primary", "sort_order", "id")
    )
    return [post.department for post in posts if post.department.unit_id == user.unit_id]


def is_office(user) -> bool:
    """A member of the unit's general office (办公室): it checks, registers, prints and files."""
    cached = getattr(user, "_documents_is_office", None)
    if cached is None:
        cached = bool(office_department_ids(user))
        if getattr(user, "pk", None):
            user._documents_is_office = cached
    return cached


def may_draft(user) -> bool:
    return is_business_user(user)


def may_hold_classified_text() -> bool:
    """Whether this deployment may draft or store the text of 秘密 and above."""
    return bool(settings.CLASSIFIED_NETWORK)


def cleared_for(user, classification: int) -> bool:
    return user.clearance >= classification


def may_receive(user, item) -> bool:
    """Whether a colleague may be handed an item of the unit (转交, 加签): a business user of
    its unit cleared for its 密级 — who then sees it, as everyone its route reached."""
    return (
        is_business_user(user)
        and user.unit_id == item.unit_id
        and cleared_for(user, item.classification)
    )


def classified(classification: int) -> bool:
    return classification >= Classification.SECRET
