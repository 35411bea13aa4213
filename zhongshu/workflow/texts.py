"""Words for the handling record outside the pages (the API): the same msgids as
``templates/workflow/_verb.html``, so both read alike in every language (STYLE.md, "Language":
history rows store a verb and parameters and are translated when shown)."""

from django.utils.translation import gettext as _

_PLAIN = {
    "started": lambda: _("submitted it"),
    "step_started": lambda: _("step started"),
    "warning": lambda: _("Nobody could act at this step; sent to the general office"),
    "approve": lambda: _("approved"),
    "comment": lambda: _("commented"),
    "reject": lambda: _("rejected"),
    "return_previous": lambda: _("returned it to the previous step"),
    "return_to_drafter": lambda: _("returned it to the drafter"),
    "return_to_step": lambda: _("returned it to an earlier step"),
    "resubmit": lambda: _("resubmitted it"),
    "withdrawn": lambda: _("withdrew it"),
    "approved": lambda: _("Approved"),
    "rejected": lambda: _("Rejected"),
}
_NAMED = {
    "transfer": lambda name: _("transferred it to %(name)s") % {"name": name},
    "add_signer_before": lambda name: _("asked %(name)s to approve first") % {"name": name},
    "add_signer_after": lambda name: (
        _("approved and asked %(name)s to approve next") % {"name": name}
    ),
}


def describe(event) -> str:
    """What happened in one ``RunEvent``, in the active language."""
    verb = event.verb
    if verb == "skipped":
        if (event.params or {}).get("reason") == "submitter":
            return _("skipped: the submitter holds this step")
        return _("skipped: the condition does not apply")
    if verb in _NAMED:
        return _NAMED[verb]((event.params or {}).get("to_name", ""))
    if verb in _PLAIN:
        return _PLAIN[verb]()
    return verb


def acting_for(person) -> str | None:
    """The "代 X" shown wherever someone acted for another (delegation)."""
    return _("for %(name)s") % {"name": person} if person is not None else None
