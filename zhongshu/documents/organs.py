"""The office's directory of external organs (主送 / 抄送 addressees outside the unit).

Reads and writes of :class:`~zhongshu.documents.models.Organ` in one place (STYLE.md): the office
keeps the list; the drafting form offers the organs in use. An organ is never deleted — it is
taken out of use, so documents that name it still read the same.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhongshu.core import audit

from . import rules
from .models import Organ

FIELDS = ("name", "short_name", "relation", "sort_order", "active")


def organs_of_unit(unit_id) -> QuerySet[Organ]:
    """Every organ of the unit's directory, in use first, in the office's order."""
    return Organ.objects.filter(unit_id=unit_id, deleted_at__isnull=True).order_by(
        "-active", "sort_order", "id"
    )


def organs_in_use(unit_id) -> QuerySet[Organ]:
    """What the drafting form offers."""
    return Organ.objects.filter(unit_id=unit_id, deleted_at__isnull=True, active=True).order_by(
        "sort_order", "id"
    )


def organ_get_for(user, pk) -> Organ:
    """An organ of the office member's unit, else 404."""
    if not rules.is_office(user) or not str(pk).isdigit():
        raise Http404
    organ = organs_of_unit(user.unit_id).filter(pk=int(pk)).first()
    if organ is None:
        raise Http404
    return organ


def _require_office(actor) -> None:
    if not rules.is_office(actor):
        raise ValidationError(_("Only the general office keeps the directory of organs."))


def _snapshot(organ: Organ) -> dict:
    return {name: getattr(organ, name) for name in FIELDS}


def _save(organ: Organ, *, actor, expected_version) -> None:
    name = " ".join(str(organ.name or "").split())
    if not name:
        raise ValidationError({"name": _("Write the organ's name.")})
    organ.name = name
    organ.short_name = " ".join(str(organ.short_name or "").split())
    if organ.relation not in Organ.Relation.values:
        raise ValidationError({"relation": _("Choose a value from the list.")})
    try:
        with transaction.atomic():
            organ.save_versioned(actor=actor, expected_version=expected_version)
    except IntegrityError:
        raise ValidationError(
            {"name": _("The directory already holds an organ of this name.")}
        ) from None


@transaction.atomic
def organ_create(*, actor, data: dict) -> Organ:
    """A new organ in the directory of the actor's unit (the office only)."""
    _require_office(actor)
    organ = Organ(unit_id=actor.unit_id, **{k: data[k] for k in FIELDS if k in data})
    _save(organ, actor=actor, expected_version=None)
    audit.record(
        "documents.organ_created",
        actor=actor,
        obj=organ,
        unit_id=organ.unit_id,
        detail={"before": {}, "after": _snapshot(organ)},
    )
    return organ


@transaction.atomic
def organ_update(*, actor, organ: Organ, expected_version: int, data: dict) -> Organ:
    """Change an organ's name, relation, order or use (StaleVersionError when stale)."""
    _require_office(actor)
    before = _snapshot(organ)
    for name in FIELDS:
        if name in data:
            setattr(organ, name, data[name])
    _save(organ, actor=actor, expected_version=expected_version)
    audit.record(
        "documents.organ_updated",
        actor=actor,
        obj=organ,
        unit_id=organ.unit_id,
        detail={"before": before, "after": _snapshot(organ)},
    )
    return organ


@transaction.atomic
def organ_deactivate(*, actor, organ: Organ, expected_version: int) -> Organ:
    """Take an organ out of use: the form stops offering it; documents keep its name."""
    _require_office(actor)
    organ.active = False
    organ.save_versioned(actor=actor, expected_version=expected_version, update_fields=["active"])
    audit.record(
        "documents.organ_deactivated",
        actor=actor,
        obj=organ,
        unit_id=organ.unit_id,
        detail={"before": {"active": True}, "after": {"active": False}},
    )
    return organ
