"""Forms of drafting: the drafting form, the list's filters, joint signatures and the organs.

The drafting form only shapes what the browser sent into the dict that
:func:`zhongshu.documents.services.clean_content` checks (the same checks the API gets); its
``clean`` runs them at once, so every error is shown in one go, next to its field.
"""

import json
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification
from zhongshu.org import selectors as org_selectors
from zhongshu.org.models import Department

from . import organs, rules, services, terms
from .models import Direction, Disclosure, Kind, Layout, NumberSeries, Organ, State, Urgency

MAX_LINES = 200

# The four heading levels of GB/T 9704 §7.3.3 by their ordinals: 一、 （一） 1. （1）. Used to read
# the plain-text body (one paragraph per line) that the form falls back to without JavaScript.
HEADING_PATTERNS = (
    (1, re.compile(r"^[一二三四五六七八九十百零〇]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百零〇]+[）)]")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)
# Layouts that a kind usually takes (GB/T 9704 §10): proposed when the kind is chosen.
USUAL_LAYOUT = {Kind.MINUTES: Layout.MINUTES, Kind.ORDER: Layout.ORDER, Kind.LETTER: Layout.LETTER}


def heading_level(text: str) -> int:
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return 0


def blocks_from_lines(text: str) -> list[dict]:
    """The fallback body: every non-blank line a block, headings known by their ordinal."""
    blocks = []
    for line in str(text or "").splitlines():
        line = line.strip()
        if line:
            blocks.append({"level": heading_level(line), "text": line})
    return blocks


def blocks_from_json(raw: str):
    """The structured editor's body (a JSON list of {"level", "text"}), or None if unusable."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return value


def body_lines(blocks) -> str:
    return "\n".join(str(b.get("text", "")) for b in blocks or [] if isinstance(b, dict))


def _lines(value: str) -> list[str]:
    """One entry per line; 、 and ； also separate entries within a line."""
    entries = []
    for line in str(value or "").splitlines():
        for part in re.split(r"[、；;]+", line):
            part = part.strip()
            if part:
                entries.append(part)
    return entries


class EditorInput(forms.HiddenInput):
    """The editor's JSON: always rendered empty, so that without JavaScript the textarea is what
    the server reads; the editor fills it from ``data-blocks`` when it starts."""

    def format_value(self, value):
        return None


class DirectoryField(forms.MultipleChoiceField):
    """Addressees picked from the directory: "d:<department id>" or "o:<organ id>"."""

    widget = forms.CheckboxSelectMultiple


def unit_departments(user) -> list[Department]:
    """The live departments of the user's own unit, in the organisation's order."""
    return list(
        org_selectors.visible_departments(user)
        .filter(unit_id=user.unit_id)
        .select_related(None)
        .only("pk", "name")
        .order_by("sort_order", "id")
    )


def directory_choices(user, departments=None) -> tuple[list, dict]:
    """The departments of the user's unit and the organs in use, and a name for each value."""
    if departments is None:
        departments = unit_departments(user)
    external = list(organs.organs_in_use(user.unit_id).only("pk", "name", "short_name"))
    names = {f"d:{d.pk}": d.name for d in departments}
    names.update({f"o:{o.pk}": o.name for o in external})
    choices = []
    if departments:
        choices.append(
            (_("Departments of this unit"), [(f"d:{d.pk}", d.name) for d in departments])
        )
    if external:
        choices.append((_("External organs"), [(f"o:{o.pk}", _organ_label(o)) for o in external]))
    return choices, names


def _organ_label(organ: Organ) -> str:
    if organ.short_name and organ.short_name != organ.name:
        return f"{organ.name}（{organ.short_name}）"
    return organ.name


class DocumentForm(forms.Form):
    """Every element of an outgoing document that the drafter writes (条例 §9, issue 4 item 1)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # 答复 or 转发: the incoming document this draft answers or passes on (its id).
    answers = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # 签报: the internal memo whose decision this draft carries out (its id).
    memo = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    text_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    department = forms.ChoiceField(
        label=_("Drafting department"),
        required=False,
        help_text=_("You hold posts in several departments: the draft belongs to this one."),
    )
    kind = forms.ChoiceField(label=_("Kind (文种)"), choices=[("", "—"), *Kind.choices])
    layout = forms.ChoiceField(
        label=_("Format"),
        choices=Layout.choices,
        initial=Layout.FILE,
        help_text=_("Minutes, orders and letters usually take their own format (GB/T 9704 §10)."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("As usual for the kind")), *Direction.choices],
        required=False,
        help_text=_("A 请示 or 报告 always goes up and is signed by the principal leader."),
    )
    classification = forms.TypedChoiceField(
        label=_("Classification (密级)"),
        choices=Classification.choices,
        coerce=int,
        initial=Classification.PUBLIC,
    )
    secrecy_period = forms.CharField(
        label=_("Period of secrecy (保密期限)"),
        max_length=10,
        required=False,
        help_text=_("For 秘密 and above: e.g. 1年 or 6个月."),
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency (紧急程度)"), choices=Urgency.choices, coerce=int, initial=0
    )
    important = forms.BooleanField(
        label=_("Important document (signed by the principal leader)"), required=False
    )
    issuers = forms.CharField(
        label=_("Issuing organs"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One organ per line, the lead organ (主办) first. Several organs make a joint "
            "document (联合行文)."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text=_("Issuing organ + subject + kind, e.g. 关于……的请示."),
    )
    main_recipients = DirectoryField(label=_("Main recipients (主送)"), required=False)
    main_recipients_other = forms.CharField(
        label=_("Other main recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names not in the directory, one per line (e.g. 各区人民政府)."),
    )
    cc_recipients = DirectoryField(label=_("Copies to (抄送)"), required=False)
    cc_recipients_other = forms.CharField(
        label=_("Other copies to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names not in the directory, one per line."),
    )
    countersign_departments = forms.MultipleChoiceField(
        label=_("Countersigning departments (会签)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their heads countersign the draft, in parallel."),
    )
    forwarded_title = forms.CharField(
        label=_("Forwarded document (转发/印发)"),
        max_length=300,
        required=False,
        help_text=_(
            "The title of the document this one forwards or issues. It is part of the text, "
            "not an attachment."
        ),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "One paragraph per line. A line starting with 一、 （一） 1. or （1） is a heading of "
            "that level."
        ),
    )
    body_json = forms.CharField(widget=EditorInput, required=False)
    attachment_names = forms.CharField(
        label=_("Attachments (names)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One name per line, in order; they are printed as 附件说明. Upload the files on the "
            "document's page."
        ),
    )
    note = forms.CharField(
        label=_("Note (附注)"),
        max_length=300,
        required=False,
        help_text=_(
            "E.g. the distribution range, or a contact for a 请示: （联系人：…；电话：…）."
        ),
    )
    printed_by = forms.CharField(
        label=_("Printing organ (印发机关)"), max_length=100, required=False
    )
    present = forms.CharField(
        label=_("Present (出席)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    absent = forms.CharField(
        label=_("Excused (请假)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attending = forms.CharField(
        label=_("Attending (列席)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disclosure = forms.ChoiceField(
        label=_("Disclosure (公开属性)"),
        choices=Disclosure.choices,
        initial=Disclosure.PUBLIC,
        widget=forms.RadioSelect,
    )
    disclosure_reason = forms.CharField(
        label=_("Reason not disclosed"),
        max_length=300,
        required=False,
        help_text=_("Required for 不予公开: the clause of the regulations it rests on."),
    )
    reason = forms.CharField(
        label=_("What changed and why"),
        max_length=200,
        required=False,
        help_text=_("Shown in the list of versions."),
    )

    def __init__(self, *args, user, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.document = document
        self.service_data: dict = {}
        departments = unit_departments(user)
        choices, self.directory_names = directory_choices(user, departments)
        for name in ("main_recipients", "cc_recipients"):
            self.fields[name].choices = choices
        self.fields["countersign_departments"].choices = [(str(d.pk), d.name) for d in departments]
        if document is None:
            del self.fields["reason"]
            posts = rules.departments_of(user)
            self.fields["department"].choices = [(str(d.pk), d.name) for d in posts]
            self.several_posts = len(posts) > 1
            if not self.several_posts:
                self.fields["department"].widget = forms.HiddenInput()
        else:
            del self.fields["department"]
            self.several_posts = False

    # --- Initial values ---------------------------------------------------------------------

    @classmethod
    def initial_for_new(cls, user) -> dict:
        unit = user.unit
        office = (
            Department.objects.filter(unit=unit, is_general_office=True, deleted_at__isnull=True)
            .only("name")
            .first()
        )
        posts = rules.departments_of(user)
        return {
            "idempotency_key": uuid.uuid4().hex,
            "issuers": unit.name if unit else "",
            "printed_by": f"{unit.name}{office.name}" if unit and office else "",
            "department": str(posts[0].pk) if posts else "",
        }

    @classmethod
    def initial_for_answer(cls, user, incoming, *, forward: bool, names: dict) -> dict:
        """A new draft answering (批复 or 复函) or forwarding (转发) an incoming document: the kind,
        the title and the first words written as offices write them, the sender as the main
        recipient of a reply."""
        initial = cls.initial_for_new(user)
        initial["answers"] = incoming.pk
        subject = incoming.title
        if subject.startswith("关于"):
            subject = subject[2:]
        for ending in ("的请示", "的函", "的通知", "的报告", "的意见"):
            if subject.endswith(ending):
                subject = subject[: -len(ending)]
                break
        numbered = f"（{incoming.source_number}）" if incoming.source_number else ""
        if forward:
            title = incoming.title
            initial |= {
                "kind": Kind.NOTICE,
                "title": f"关于转发{incoming.source_name}《{title}》的通知",
                "forwarded_title": title,
                "body": f"现将{incoming.source_name}《{title}》{numbered}转发给你们，"
                "请结合实际，认真贯彻执行。",
            }
            return initial
        reply = incoming.kind == Kind.REQUEST
        word = "批复" if reply else "复函"
        organ = f"o:{incoming.source_organ_id}" if incoming.source_organ_id else ""
        if organ in names:
            initial["main_recipients"] = [organ]
        else:
            initial["main_recipients_other"] = incoming.source_name
        initial |= {
            "kind": Kind.REPLY if reply else Kind.LETTER,
            "title": f"关于{subject}的{word}",
            "body": f"{incoming.source_name}：\n你单位《{incoming.title}》{numbered}收悉。"
            f"经研究，现{'批复' if reply else '函复'}如下：",
        }
        return initial

    @classmethod
    def initial_for_memo(cls, user, memo) -> dict:
        """A new draft carrying out a decided memo (签报): a 通知 on the same matter, from the
        memo's department; the drafter writes the rest."""
        initial = cls.initial_for_new(user)
        subject = memo.title
        if subject.startswith("关于"):
            subject = subject[2:]
        for ending in ("的请示", "的签报", "的报告"):
            if subject.endswith(ending):
                subject = subject[: -len(ending)]
                break
        posts = {str(d.pk) for d in rules.departments_of(user)}
        if str(memo.department_id) in posts:
            initial["department"] = str(memo.department_id)
        initial |= {"memo": memo.pk, "kind": Kind.NOTICE, "title": f"关于{subject}的通知"}
        return initial

    @classmethod
    def initial_for(cls, document, names: dict) -> dict:
        initial = {
            "version": document.version,
            "text_version": document.text_version,
            "kind": document.kind,
            "layout": document.layout,
            "direction": document.direction,
            "classification": document.classification,
            "secrecy_period": document.secrecy_period,
            "urgency": document.urgency,
            "important": document.important,
            "issuers": "\n".join(document.issuers or []),
            "title": document.title,
            "countersign_departments": [str(pk) for pk in document.countersign_departments or []],
            "forwarded_title": document.forwarded_title,
            "body": body_lines(document.body),
            "body_json": json.dumps(document.body or [], ensure_ascii=False),
            "attachment_names": "\n".join(document.attachment_names or []),
            "note": document.note,
            "printed_by": document.printed_by,
            "present": "\n".join(document.present or []),
            "absent": "\n".join(document.absent or []),
            "attending": "\n".join(document.attending or []),
            "disclosure": document.disclosure,
            "disclosure_reason": document.disclosure_reason,
        }
        for field in ("main_recipients", "cc_recipients"):
            picked, other = [], []
            for entry in getattr(document, field) or []:
                value = None
                if entry.get("department"):
                    value = f"d:{entry['department']}"
                elif entry.get("organ"):
                    value = f"o:{entry['organ']}"
                if value in names:
                    picked.append(value)
                else:
                    other.append(entry.get("name", ""))
            initial[field] = picked
            initial[f"{field}_other"] = "\n".join(other)
        return initial

    # --- Shaping and checking ---------------------------------------------------------------

    def _recipients(self, field: str) -> list[dict]:
        entries = []
        for value in self.cleaned_data.get(field) or []:
            kind, _sep, pk = value.partition(":")
            key = {"d": "department", "o": "organ"}.get(kind)
            if key and pk.isdigit():
                entries.append({"name": self.directory_names[value], key: int(pk)})
        seen = {e["name"] for e in entries}
        for name in _lines(self.cleaned_data.get(f"{field}_other")):
            if name not in seen:
                entries.append({"name": name})
                seen.add(name)
        return entries

    def _body(self):
        blocks = blocks_from_json(self.cleaned_data.get("body_json", ""))
        if blocks is None:
            blocks = blocks_from_lines(self.cleaned_data.get("body", ""))
        return blocks

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or ""
        direction = data.get("direction") or terms.USUAL_DIRECTION.get(kind, "")
        if kind and not direction:
            self.add_error(
                "direction",
                _("A %(kind)s may go up, across or down: choose its direction.")
                % {"kind": terms.KIND_WORDS.get(kind, kind)},
            )
        lists = {}
        for name in ("issuers", "attachment_names", "present", "absent", "attending"):
            lists[name] = _lines(data.get(name))
            if len(lists[name]) > MAX_LINES:
                self.add_error(name, _("Give at most %(n)d names.") % {"n": MAX_LINES})
        if (
            data.get("disclosure") == Disclosure.WITHHELD
            and not (data.get("disclosure_reason") or "").strip()
        ):
            self.add_error("disclosure_reason", _("Say why the document is not disclosed."))
        self.service_data = {
            "kind": kind,
            "layout": data.get("layout") or "",
            "direction": direction,
            "classification": data.get("classification"),
            "secrecy_period": data.get("secrecy_period", ""),
            "urgency": data.get("urgency"),
            "title": data.get("title", ""),
            "main_recipients": self._recipients("main_recipients"),
            "cc_recipients": self._recipients("cc_recipients"),
            "body": self._body(),
            "note": data.get("note", ""),
            "printed_by": data.get("printed_by", ""),
            "forwarded_title": data.get("forwarded_title", ""),
            "answers": data.get("answers"),
            "memo": data.get("memo"),
            "important": data.get("important", False),
            "disclosure": data.get("disclosure") or Disclosure.PUBLIC,
            "disclosure_reason": data.get("disclosure_reason", ""),
            "countersign_departments": [
                int(pk) for pk in data.get("countersign_departments") or [] if pk.isdigit()
            ],
            **lists,
        }
        try:
            services.clean_content(self.service_data)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
                elif name not in self.fields:
                    self.add_error(None, messages)
        level = data.get("classification")
        if (
            level is not None
            and "classification" not in self.errors
            and level > self.user.clearance
        ):
            # The drafter would lose sight of their own draft (visibility stops at clearance).
            self.add_error(
                "classification",
                _("You are cleared up to %(level)s: mark the document no higher.")
                % {"level": Classification(self.user.clearance).label},
            )
        return data

    def department_choice(self):
        pk = (self.cleaned_data or {}).get("department") or ""
        return int(pk) if str(pk).isdigit() else None

    # --- Rendering helpers --------------------------------------------------------------------

    def picker(self, name: str) -> list[tuple[str, list]]:
        """The checkboxes of a directory field grouped as the choices are."""
        bound = self[name]
        widgets = {w.data["value"]: w for w in bound.subwidgets}
        groups = []
        for label, options in self.fields[name].choices:
            groups.append(
                (label, [widgets[value] for value, _label in options if value in widgets])
            )
        return groups

    @property
    def main_picker(self):
        return self.picker("main_recipients")

    @property
    def cc_picker(self):
        return self.picker("cc_recipients")

    @property
    def editor_blocks(self) -> str:
        """The body the structured editor starts from, as JSON (the text typed so far when the
        form comes back with errors)."""
        if self.is_bound:
            blocks = blocks_from_json(self.data.get("body_json", ""))
            if blocks is None:
                blocks = blocks_from_lines(self.data.get("body", ""))
        else:
            blocks = blocks_from_json(self.initial.get("body_json", "")) or []
        return json.dumps(blocks, ensure_ascii=False)

    @property
    def usual_directions(self) -> str:
        return json.dumps({str(k): str(v) for k, v in terms.USUAL_DIRECTION.items()})

    @property
    def usual_layouts(self) -> str:
        return json.dumps({str(k): str(v) for k, v in USUAL_LAYOUT.items()})


# --- The list's filters -----------------------------------------------------------------------


def year_choices(years: int = 10) -> list[tuple[str, str]]:
    """The last ``years`` years, this one first, for a list's year filter."""
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - years, -1)]


def clearance_choices(user) -> list[tuple[str, str]]:
    """The 密级 up to ``user``'s clearance, for a list's filter."""
    return [(str(v), label) for v, label in Classification.choices if v <= user.clearance]


class ListFilterForm(forms.Form):
    """The filter bar of the document list; a value that does not parse is simply ignored."""

    q = forms.CharField(label=_("Title or number"), max_length=60, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, required=False, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )
    series = forms.TypedChoiceField(
        label=_("Number series"), coerce=int, required=False, empty_value=None
    )

    FILTERS = ("q", "year", "kind", "state", "classification", "department", "series")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + year_choices()
        self.fields["kind"].choices = everything + list(Kind.choices)
        self.fields["state"].choices = everything + list(State.choices)
        self.fields["classification"].choices = everything + clearance_choices(user)
        self.fields["department"].choices = everything + [
            (str(d.pk), d.name) for d in unit_departments(user)
        ]
        self.fields["series"].choices = everything + [
            (str(s.pk), f"{s.name} · {s.code}")
            for s in NumberSeries.objects.filter(unit_id=user.unit_id, deleted_at__isnull=True)
            .only("pk", "name", "code")
            .order_by("layout", "code", "id")
        ]

    def filters(self) -> dict:
        """The valid filters given (an invalid one is dropped, never a 500)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.FILTERS
            if name not in self.errors and cleaned.get(name) not in (None, "")
        }

    @property
    def folded_open(self) -> bool:
        """Open the folded filters when one of them is in use."""
        used = self.filters()
        return any(name in used for name in ("classification", "department", "series"))


# --- Joint signatures and organs --------------------------------------------------------------


class JointSignatureForm(forms.Form):
    organ = forms.ChoiceField(label=_("Joint issuing organ"))
    signer = forms.CharField(label=_("Signed by"), max_length=50)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].choices = [(o, o) for o in (document.issuers or [])[1:]]


class OrganForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The full name, as it is written as an addressee."),
    )
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=40,
        required=False,
        help_text=_("The standard short name (规范化简称), if any."),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=Organ.Relation.choices)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
