"""Workflow subjects: what each business type tells the engine about itself (STYLE.md, Boundaries).

The engine sits below the business apps, so it never imports them: each app calls
:func:`register_subject` in its ``AppConfig.ready()`` with how to read a subject's title, URL,
classification and visibility, an optional transition callback, and the fields a route step may
put a condition on (CONVENTIONS.md "Data model": every workflow subject registers).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Subject:
    kind: str
    label: object
    model: type[models.Model]
    title: Callable  # (obj) -> str
    url: Callable  # (obj) -> str
    classification: Callable  # (obj) -> int
    can_view: Callable  # (user, obj) -> bool
    on_transition: Callable | None = None  # (obj, event, actor) -> None
    condition_fields: dict = field(default_factory=dict)  # name -> label
    # name -> (label, (obj) -> iterable of users): people the subject itself names, e.g. the
    # heads of the departments a draft asks to countersign (AssigneeRule.SUBJECT).
    assignee_sources: dict = field(default_factory=dict)
    # (obj, step, actor) -> None: a step started (e.g. to show which step the subject is at).
    on_step: Callable | None = None
    # (obj, step) -> datetime or None: the subject's own deadline for a step, before the
    # step's working days (e.g. an incoming document's deadline for its 承办 step).
    step_due: Callable | None = None
    # (user, obj) -> bool: whether a person may be handed the item (转交, 加签) — by default
    # whoever may see it; a module whose visibility follows the route lets the receiver in.
    may_receive: Callable | None = None

    def get(self, pk):
        return self.model._default_manager.get(pk=pk)


_registry: dict[str, Subject] = {}


def register_subject(
    kind: str,
    *,
    label,
    model,
    title: Callable,
    url: Callable,
    classification: Callable,
    can_view: Callable,
    on_transition: Callable | None = None,
    condition_fields: dict | None = None,
    assignee_sources: dict | None = None,
    on_step: Callable | None = None,
    step_due: Callable | None = None,
    may_receive: Callable | None = None,
) -> Subject:
    subject = Subject(
        kind=kind,
        label=label,
        model=model,
        title=title,
        url=url,
        classification=classification,
        can_view=can_view,
        on_transition=on_transition,
        condition_fields=dict(condition_fields or {}),
        assignee_sources=dict(assignee_sources or {}),
        on_step=on_step,
        step_due=step_due,
        may_receive=may_receive,
    )
    _registry[kind] = subject
    return subject


def get(kind: str) -> Subject:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no workflow subject registered as {kind!r}") from None


def for_object(obj) -> Subject:
    for subject in _registry.values():
        if isinstance(obj, subject.model):
            return subject
    raise LookupError(f"{type(obj).__name__} is not a registered workflow subject")


def subjects() -> list[Subject]:
    return sorted(_registry.values(), key=lambda s: s.kind)


def choices() -> list[tuple[str, object]]:
    return [(s.kind, s.label) for s in subjects()]
