"""Representations of incoming documents (收文) for the API (:mod:`.api_incoming`).

The registration serializer only shapes JSON into the dict that
:func:`.services_incoming.clean_registration` checks, as ``RegisterIncomingForm`` does for the
browser: types and bounds here, every rule of registration in the service, so the API and the
web refuse the same registrations. The sending organ is looked up by its directory id among
the organs the form offers (:func:`.organs.organs_in_use`). Handling a 办件 likewise: people
and departments are looked up by id in the caller's unit here, and every rule of handling is
:mod:`.services_incoming_handling`'s.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhongshu.core.models import Classification
from zhongshu.org.models import Department, User
from zhongshu.org.serializers import DepartmentRefSerializer, PersonRefSerializer

from . import organs, services_incoming
from .models import (
    AssignmentState,
    DeadlineSource,
    Handling,
    IncomingDocument,
    IncomingState,
    Kind,
    ReadingPurpose,
    Urgency,
)
from .serializers import MAX_ID, MAX_PAGE_SIZE, DateTimeField, id_field
from .services_incoming_handling import TEXT_MAX

# --- The list ---------------------------------------------------------------------------------


class IncomingListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=60, help_text=_("Title, number or organ"))
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=9999, help_text=_("Year")
    )
    source = serializers.CharField(required=False, max_length=100, help_text=_("Sending organ"))
    state = serializers.ChoiceField(choices=IncomingState.choices, required=False)
    handling = serializers.ChoiceField(choices=Handling.choices, required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False, help_text=_("Overdue only"))
    department = id_field(
        required=False, help_text=_("Handled by this department (主办 or 协办), not sent back")
    )
    after = id_field(required=False)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )


class IncomingRefSerializer(serializers.Serializer):
    """Another incoming document, by its id and 收文编号."""

    id = serializers.IntegerField()
    receipt_number = serializers.CharField()


class OrganRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IncomingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    receipt_number = serializers.CharField()  # 收文编号: 收〔2026〕15号
    year = serializers.IntegerField()
    serial = serializers.IntegerField()
    source_name = serializers.CharField()
    source_number = serializers.CharField()
    title = serializers.CharField()
    title_is_neutral = serializers.BooleanField()
    kind = serializers.CharField()
    classification = serializers.IntegerField()
    urgency = serializers.IntegerField()
    handling = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()  # still open after its deadline
    # The first registration of the same document, when the caller may see it.
    duplicate_of = IncomingRefSerializer(
        allow_null=True, help_text=_("same document registered as")
    )
    version = serializers.IntegerField()


class IncomingPageSerializer(serializers.Serializer):
    results = IncomingRowSerializer(many=True)
    next = serializers.IntegerField(allow_null=True)  # the ``after`` of the next page


# --- One document -----------------------------------------------------------------------------


class ReturnReasonSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class IncomingAssignmentSerializer(serializers.Serializer):
    """One department's part in handling a 办件 (承办)."""

    department = DepartmentRefSerializer()
    lead = serializers.BooleanField(help_text=_("lead department (主办)"))
    state = serializers.ChoiceField(choices=AssignmentState.choices)
    result = serializers.CharField()
    reason = serializers.CharField(help_text=_("reason for sending it back"))
    reported_at = serializers.DateTimeField(allow_null=True)
    reported_by = PersonRefSerializer(allow_null=True)


class IncomingHolderSerializer(serializers.Serializer):
    """Someone holding the document now, at which step and since when."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    step = serializers.CharField()
    since = serializers.DateTimeField()


class IncomingHandlingProgressSerializer(serializers.Serializer):
    """Where a 办件 stands: the proposal (拟办), the leader who instructs (批办), the departments
    (承办), who holds it now, and the result (办结)."""

    state = serializers.ChoiceField(
        choices=["running", "returned"],
        allow_null=True,
        help_text=_(
            "The live handling run: running, or returned (退办) to the office; null when none is "
            "live."
        ),
    )
    step = serializers.CharField(allow_null=True, help_text=_("The step it is at now."))
    proposal = serializers.CharField(help_text=_("proposal (拟办意见)"))
    proposed_by = PersonRefSerializer(allow_null=True)
    proposed_at = serializers.DateTimeField(allow_null=True)
    leader = PersonRefSerializer(allow_null=True, help_text=_("leader to instruct (批办)"))
    settled_by_office = serializers.BooleanField(help_text=_("sent on by the office (分办)"))
    assignments = IncomingAssignmentSerializer(many=True)
    holders = IncomingHolderSerializer(many=True)
    deadline = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField(help_text=_("result (办理结果)"))
    no_reply_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = PersonRefSerializer(allow_null=True)


class IncomingDocumentSerializer(IncomingRowSerializer):
    source_organ = OrganRefSerializer(allow_null=True)
    secrecy_period = serializers.CharField()
    copy_number = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    pages = serializers.IntegerField(allow_null=True)
    copies = serializers.IntegerField()
    summary = serializers.CharField()
    note = serializers.CharField()
    deadline_source = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)  # working days; negative: overdue
    catalogue_only = serializers.BooleanField()  # classified, kept without its text
    later_duplicates = IncomingRefSerializer(many=True)  # of the same document, as you may see
    registered_by = PersonRefSerializer()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = PersonRefSerializer(allow_null=True)
    return_reasons = ReturnReasonSerializer(many=True)
    return_note = serializers.CharField()
    # A 办件's handling; null for a 阅件.
    handling_progress = IncomingHandlingProgressSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- 签收 and 登记 -----------------------------------------------------------------------------


class IncomingRegisterSerializer(serializers.Serializer):
    """A registration, as the web's registration form. ``context["user"]`` is the clerk."""

    source_organ = id_field(required=False, allow_null=True)  # the directory's id; names the sender
    source_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("sending organ (来文单位)")
    )
    source_number = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text=_("its document number (来文字号)"),
    )
    title = serializers.CharField(max_length=IncomingDocument.TITLE_MAX)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.PUBLIC
    )
    secrecy_period = serializers.CharField(max_length=20, required=False, allow_blank=True)
    title_is_neutral = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("The title I wrote reveals nothing secret (a neutral title)"),
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    copy_number = serializers.CharField(
        max_length=6, required=False, allow_blank=True, help_text=_("copy number (份号)")
    )
    signed_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("date of the document (成文日期)")
    )
    received_at = DateTimeField(required=False, allow_null=True, help_text=_("Now, if left out."))
    pages = serializers.IntegerField(
        min_value=1, max_value=services_incoming.MAX_PAGES, required=False, allow_null=True
    )
    copies = serializers.IntegerField(
        min_value=1, max_value=services_incoming.MAX_COPIES, required=False, default=1
    )
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.ACTION)
    deadline_days = serializers.IntegerField(
        min_value=0,
        max_value=services_incoming.MAX_DEADLINE_DAYS,
        required=False,
        allow_null=True,
        help_text=_("Counted from the day it was received; holidays and weekends are skipped."),
    )
    deadline_source = serializers.ChoiceField(
        choices=[
            (DeadlineSource.DOCUMENT, DeadlineSource.DOCUMENT.label),
            (DeadlineSource.OFFICE, DeadlineSource.OFFICE.label),
        ],
        required=False,
        allow_blank=True,
        help_text=_("Deadline set by"),
    )
    summary = serializers.CharField(
        max_length=services_incoming.SUMMARY_MAX,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
    )
    note = serializers.CharField(
        max_length=services_incoming.NOTE_MAX, required=False, allow_blank=True
    )

    def validate_source_organ(self, value):
        if value is None:
            return None
        organ = organs.organs_in_use(self.context["user"].unit_id).filter(pk=value).first()
        if organ is None:
            raise serializers.ValidationError(_("Choose an organ of this unit's directory."))
        return organ

    def validate_received_at(self, value):
        # The year received numbers the document: one before 1900 is a typing mistake (and
        # near year 1 comparing it with now overflows). One in the future is refused here with
        # the service's own message: near the year 9999 the service would compute its deadline
        # (and overflow) before saying so.
        if value is None:
            return None
        if value.year < 1900:
            raise serializers.ValidationError(_("Give the date and time it was received."))
        if value > timezone.now() + services_incoming.RECEIVED_SLACK:
            raise serializers.ValidationError(_("The time received cannot be in the future."))
        return value


# --- 初审 ---------------------------------------------------------------------------------------


def _version():
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=_("The document's version you read; a stale one answers 412."),
    )


class IncomingAcceptSerializer(serializers.Serializer):
    version = _version()


class IncomingFileSerializer(serializers.Serializer):
    """归档: the ``version`` of the completed document as the caller read it."""

    version = _version()


class IncomingReturnSerializer(serializers.Serializer):
    version = _version()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=services_incoming.RETURN_REASONS),
        max_length=len(services_incoming.RETURN_REASONS),
        required=False,
        default=list,
        help_text=_("Reasons"),
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Note to the sender"),
    )


# --- Handling a 办件: 分办, 拟办, 批办, 承办, 退办, 传阅, 批示, 催办, 办结 -----------------

# A deadline further ahead than this is a typing mistake (and years of working days to count).
DEADLINE_HORIZON = timedelta(days=3 * 366)


def _text(help_text, **kwargs):
    return serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=help_text,
        **kwargs,
    )


class IncomingProposalSerializer(serializers.Serializer):
    """What 拟办 (or 分办, or a leader's 批办) decides, people and departments by their ids in
    the caller's unit (``context["user"]``). The service checks the rest: a leader among the
    unit's leaders, departments with a head, everyone cleared for the document."""

    text = _text(_("The proposal (拟办意见), or the leader's instruction (批示)."))
    leader = id_field(
        required=False, allow_null=True, help_text=_("The leader who instructs (批办).")
    )
    lead_department = id_field(
        required=False, allow_null=True, help_text=_("The lead department (主办).")
    )
    co_departments = serializers.ListField(
        child=id_field(),
        max_length=MAX_PAGE_SIZE,
        required=False,
        default=list,
        help_text=_("The co-departments (协办)."),
    )
    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("A working day; leave it out to keep the deadline set at registration."),
    )

    def _departments(self):
        return Department.objects.filter(
            unit_id=self.context["user"].unit_id, deleted_at__isnull=True
        ).select_related("head")

    def validate_leader(self, value):
        if value is None:
            return None
        person = User.objects.filter(unit_id=self.context["user"].unit_id, pk=value).first()
        if person is None:
            raise serializers.ValidationError(
                _("Person %(id)s is not one of this unit.") % {"id": value}
            )
        return person

    def validate_lead_department(self, value):
        if value is None:
            return None
        department = self._departments().filter(pk=value).first()
        if department is None:
            raise serializers.ValidationError(
                _("Department %(id)s is not one of this unit.") % {"id": value}
            )
        return department

    def validate_co_departments(self, ids: list[int]) -> list:
        ids = list(dict.fromkeys(ids))
        found = self._departments().in_bulk(ids) if ids else {}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Department %(id)s is not one of this unit.") % {"id": missing[0]}
            )
        return [found[pk] for pk in ids]

    def validate_deadline(self, value):
        # The past (and a holiday) is the service's to refuse, with its own words.
        if value is not None and value > timezone.localdate() + DEADLINE_HORIZON:
            raise serializers.ValidationError(_("Choose a deadline within three years."))
        return value

    def names_anything(self) -> bool:
        data = self.validated_data
        return bool(
            data.get("text")
            or data.get("leader")
            or data.get("lead_department")
            or data.get("co_departments")
            or data.get("deadline")
        )


class IncomingStartSerializer(IncomingProposalSerializer):
    """送拟办 (nothing but the ``version``: the director writes the proposal) or, with the
    proposal written, 分办 by the office (departments, no leader) or the director's own 拟办."""

    version = _version()


DECISIONS = [
    ("propose", _("拟办: the director's proposal")),
    ("instruct", _("批办: the leader's instruction")),
    ("report", _("承办: the department's result")),
    ("send_back", _("退办: the department sends it back to the office")),
]
# What each decision may name besides ``text``.
DECISION_FIELDS = {
    "propose": ("leader", "lead_department", "co_departments", "deadline"),
    "instruct": ("lead_department", "co_departments", "deadline"),
    "report": (),
    "send_back": (),
}


class IncomingDecideSerializer(IncomingProposalSerializer):
    """The holder of the current step acts. ``text`` is the proposal, the instruction, the
    result or the reason for sending it back; a proposal names the leader and departments, an
    instruction may change the departments and deadline."""

    action = serializers.ChoiceField(choices=DECISIONS)

    def validate(self, attrs):
        allowed = DECISION_FIELDS[attrs["action"]]
        extra = [
            name
            for name in ("leader", "lead_department", "co_departments", "deadline")
            if name not in allowed and attrs.get(name) not in (None, [])
        ]
        if extra:
            raise serializers.ValidationError(
                {name: [_("Not part of this decision.")] for name in extra}
            )
        return attrs


class IncomingCirculateSerializer(serializers.Serializer):
    """传阅: people of the caller's unit, in the order given (the order they read it in turn)."""

    version = _version()
    people = serializers.ListField(
        child=id_field(), max_length=MAX_PAGE_SIZE, required=False, default=list
    )
    in_turn = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("In turn: each gets it when the one before has read it; else all at once."),
    )

    def validate_people(self, ids: list[int]) -> list:
        ids = list(dict.fromkeys(ids))
        found = (
            User.objects.filter(unit_id=self.context["user"].unit_id, admin_role="").in_bulk(ids)
            if ids
            else {}
        )
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Person %(id)s is not one of this unit.") % {"id": missing[0]}
            )
        return [found[pk] for pk in ids]


class IncomingCommentSerializer(serializers.Serializer):
    text = _text(_("Your instruction (批示)."))


class IncomingRemindSerializer(serializers.Serializer):
    note = _text(_("A note to whoever holds it now."))


class IncomingCloseSerializer(serializers.Serializer):
    version = _version()
    result = _text(_("The result (办理结果)."))
    no_reply_reason = _text(
        _("Why no reply is sent: needed for a 请示 or a 函 closed without a linked reply.")
    )


class IncomingInstructionSerializer(serializers.Serializer):
    text = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class IncomingReceiptSerializer(serializers.Serializer):
    """One reader (分送) or leader it was circulated to (传阅): when it reached them (null while
    waiting for their turn), when they read it, and their 批示."""

    person = PersonRefSerializer()
    purpose = serializers.ChoiceField(choices=ReadingPurpose.choices)
    turn = serializers.IntegerField(help_text=_("0: read in parallel; 1, 2…: read in this order."))
    sent_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(help_text=_("instruction (批示)"))
    commented_at = serializers.DateTimeField(allow_null=True)
    instructions = IncomingInstructionSerializer(
        many=True, help_text=_("Each 批示 with its own time, oldest first.")
    )


class IncomingReceiptTotalsSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text=_("Readers it has reached."))
    read = serializers.IntegerField(help_text=_("Readers who have read it."))


class IncomingReceiptsSerializer(serializers.Serializer):
    """Read receipts of a document: every reading, unread first."""

    totals = IncomingReceiptTotalsSerializer()
    readings = IncomingReceiptSerializer(many=True)


class IncomingReminderRecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    step = serializers.CharField()


class IncomingReminderSerializer(serializers.Serializer):
    """A 催办: who was reminded, at which step, with what note."""

    id = serializers.IntegerField()
    sent_at = serializers.DateTimeField()
    sent_by = PersonRefSerializer()
    note = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    recipients = IncomingReminderRecipientSerializer(many=True)


class IncomingCirculatedSerializer(IncomingDocumentSerializer):
    circulated = PersonRefSerializer(many=True, help_text=_("The people added, in turn order."))
