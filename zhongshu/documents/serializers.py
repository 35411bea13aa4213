"""Representations of outgoing documents for the API (:mod:`zhongshu.documents.api`).

The write serializer only shapes JSON into the dict that
:func:`zhongshu.documents.services.clean_content` checks, as the drafting form does for the
browser: the services keep every rule, so the API and the web refuse the same drafts.

The office's steps after 签发 (:mod:`.handling`, :func:`.numbering.register`) take their input
as the steps' web forms do: ids are looked up only among what the form offers (the document's
eligible series, the people who may receive it, its unit's departments), and the services
check the rest.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhongshu.core.models import Classification
from zhongshu.org.models import Department
from zhongshu.org.serializers import DepartmentRefSerializer, PersonRefSerializer

from . import handling, numbering, services
from .models import Direction, Disclosure, Kind, Layout, State, Urgency

# Ids are bounded so a huge number is a 400, not a database overflow (as in zhongshu.org.api).
MAX_ID = 2**53
MAX_PAGE_SIZE = 100
# At most this many people (or departments) named in one 核发.
MAX_RECIPIENTS = 1000
MAX_DEPARTMENTS = 200


def id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _names(max_items: int = services.MAX_NAMES, **kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=100, allow_blank=True),
        max_length=max_items,
        required=False,
        **kwargs,
    )


class DateTimeField(serializers.DateTimeField):
    """DRF's, but a naive time near the year 1 is a 400: DRF makes it aware and checks it
    round-trips through UTC, which overflows (an uncaught OverflowError, a 500)."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


# --- The list ---------------------------------------------------------------------------------


class DocumentListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=60, help_text=_("Title or number"))
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    state = serializers.ChoiceField(choices=State.choices, required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    department = id_field(required=False)
    after = id_field(required=False)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )


class HolderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class WhereNowSerializer(serializers.Serializer):
    """The live approval run of a document and who holds its current step."""

    run = serializers.IntegerField()
    step = serializers.CharField()
    holders = HolderSerializer(many=True)
    since = serializers.DateTimeField(allow_null=True)


class DocumentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    doc_number = serializers.CharField()
    kind = serializers.CharField()
    layout = serializers.CharField()
    state = serializers.CharField()
    classification = serializers.IntegerField()
    urgency = serializers.IntegerField()
    important = serializers.BooleanField()
    department = DepartmentRefSerializer()
    drafter = PersonRefSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    issued_on = serializers.DateField(allow_null=True)
    where = WhereNowSerializer(allow_null=True)


class DocumentPageSerializer(serializers.Serializer):
    results = DocumentRowSerializer(many=True)
    next = serializers.IntegerField(allow_null=True)  # the ``after`` of the next page


# --- One document -----------------------------------------------------------------------------


class RecipientSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    department = id_field(required=False, allow_null=True)
    organ = id_field(required=False, allow_null=True)

    def validate(self, attrs):
        if not (attrs.get("name") or "").strip() and not (
            attrs.get("department") or attrs.get("organ")
        ):
            raise serializers.ValidationError(
                {"name": [self.fields["name"].error_messages["required"]]}
            )
        return attrs


class BlockSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=0, max_value=4, default=0)
    text = serializers.CharField(max_length=services.MAX_BLOCK_CHARS, allow_blank=True)


class OpenItemRefSerializer(serializers.Serializer):
    """A work item of the caller's on this document: ``POST /api/work-items/{id}/decide/``."""

    id = serializers.IntegerField()
    step_name = serializers.CharField()
    read_only = serializers.BooleanField()
    due_at = serializers.DateTimeField(allow_null=True)


class FindingsSerializer(serializers.Serializer):
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # The text (versioned; frozen at 签发)
    kind = serializers.CharField()
    layout = serializers.CharField()
    direction = serializers.CharField()
    classification = serializers.IntegerField()
    secrecy_period = serializers.CharField()
    urgency = serializers.IntegerField()
    issuers = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()
    main_recipients = RecipientSerializer(many=True)
    cc_recipients = RecipientSerializer(many=True)
    body = BlockSerializer(many=True)
    attachment_names = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    printed_by = serializers.CharField()
    present = serializers.ListField(child=serializers.CharField())
    absent = serializers.ListField(child=serializers.CharField())
    attending = serializers.ListField(child=serializers.CharField())
    forwarded_title = serializers.CharField()
    # Handling
    important = serializers.BooleanField()
    disclosure = serializers.CharField()
    disclosure_reason = serializers.CharField()
    countersign_departments = serializers.ListField(child=serializers.IntegerField())
    answers = serializers.IntegerField(
        allow_null=True, help_text=_("The incoming document it answers or forwards (答复, 转发).")
    )
    memo = serializers.IntegerField(
        allow_null=True, help_text=_("The internal memo (签报) whose decision it carries out.")
    )
    department = DepartmentRefSerializer()
    drafter = PersonRefSerializer()
    state = serializers.CharField()
    doc_number = serializers.CharField()
    signed_by = PersonRefSerializer(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    signer_title = serializers.CharField(
        read_only=True, help_text=_("The signer's post (职务) when they signed.")
    )
    issued_on = serializers.DateField(allow_null=True)
    text_version = serializers.IntegerField()
    version = serializers.IntegerField()  # sent back with a change; a stale one answers 412
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    where = WhereNowSerializer(allow_null=True)
    findings = FindingsSerializer()
    open_items = OpenItemRefSerializer(many=True)
    can_edit = serializers.BooleanField()
    can_submit = serializers.BooleanField()


class DocumentWriteSerializer(serializers.Serializer):
    """A draft's fields. On PATCH only the fields sent change; ``version`` is required."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    layout = serializers.ChoiceField(choices=Layout.choices, default=Layout.FILE)
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        required=False,
        allow_blank=True,
        help_text=_("A 请示 or 报告 always goes up and is signed by the principal leader."),
    )
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.PUBLIC
    )
    secrecy_period = serializers.CharField(max_length=10, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    important = serializers.BooleanField(required=False, default=False)
    issuers = _names()
    title = serializers.CharField(max_length=300)
    main_recipients = RecipientSerializer(many=True, required=False, max_length=services.MAX_NAMES)
    cc_recipients = RecipientSerializer(many=True, required=False, max_length=services.MAX_NAMES)
    body = BlockSerializer(many=True, required=False, max_length=services.MAX_BLOCKS)
    attachment_names = _names()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    printed_by = serializers.CharField(max_length=100, required=False, allow_blank=True)
    present = _names()
    absent = _names()
    attending = _names()
    forwarded_title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, default=Disclosure.PUBLIC)
    disclosure_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    countersign_departments = serializers.ListField(
        child=id_field(), required=False, max_length=MAX_PAGE_SIZE
    )
    department = id_field(
        required=False,
        help_text=_("You hold posts in several departments: the draft belongs to this one."),
    )
    answers = id_field(
        required=False,
        help_text=_(
            "On creation only: the incoming document (one you may see) this draft answers or "
            "forwards (答复, 转发)."
        ),
    )
    memo = id_field(
        required=False,
        help_text=_(
            "On creation only: the approved internal memo (签报) whose decision this draft "
            "carries out."
        ),
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("Shown in the list of versions."),
    )


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


# --- The office's steps after 签发 --------------------------------------------------------------


def _version():
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=_("The document's version you read; a stale one answers 412."),
    )


def _copies(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=numbering.MAX_COPIES, **kwargs)


class DocumentStepSerializer(serializers.Serializer):
    """A step with nothing to say but the version read (归档)."""

    version = _version()

    @property
    def document(self):
        return self.context["document"]


class DocumentCheckSerializer(DocumentStepSerializer):
    """复核: every point of the checklist ticked, each with an optional note."""

    points = serializers.ListField(
        child=serializers.ChoiceField(choices=handling.CHECK_POINTS),
        max_length=len(handling.CHECK_POINTS),
        required=False,
        help_text=_("The points checked; every one must be ticked."),
    )
    notes = serializers.DictField(
        child=serializers.CharField(max_length=handling.NOTE_MAX, allow_blank=True),
        required=False,
        help_text=_("A note on a point, by the point's key."),
    )

    def validate_notes(self, value: dict) -> dict:
        keys = {key for key, _label in handling.CHECK_POINTS}
        unknown = sorted(set(value) - keys)
        if unknown:
            raise serializers.ValidationError(
                _("There is no point %(key)s in the checklist.") % {"key": unknown[0][:40]}
            )
        return value


class DocumentRegisterSerializer(DocumentStepSerializer):
    """登记: as the web's RegisterForm."""

    series = id_field(
        required=False,
        allow_null=True,
        help_text=_("The series that numbers it; not needed when it has a number already."),
    )
    copies = _copies(help_text=_("Copies printed (印制份数)."))
    distribution_scope = serializers.CharField(
        max_length=2000, help_text=_("Who receives the document (分送范围).")
    )
    print_date = serializers.DateField(required=False, allow_null=True)

    def validate_series(self, value):
        if value is None:
            return None
        series = numbering.eligible_series(self.document).filter(pk=value).first()
        if series is None:
            raise serializers.ValidationError(_("This series cannot number this document."))
        return series


class DocumentPrintSerializer(DocumentStepSerializer):
    copies = _copies(
        required=False,
        allow_null=True,
        help_text=_("The number registered (印制份数), unless you printed another."),
    )
    print_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("Today, unless fixed at registration.")
    )


class DocumentSealSerializer(DocumentStepSerializer):
    seal = serializers.CharField(max_length=100)
    copies = _copies(help_text=_("Copies sealed: at most those printed."))
    note = serializers.CharField(
        max_length=handling.NOTE_MAX, required=False, allow_blank=True, default=""
    )


class DocumentDistributeSerializer(DocumentStepSerializer):
    """核发 in the system: people among those who may receive the document, departments of its
    unit (every active member cleared for it receives it)."""

    people = serializers.ListField(
        child=id_field(), max_length=MAX_RECIPIENTS, required=False, default=list
    )
    departments = serializers.ListField(
        child=id_field(), max_length=MAX_DEPARTMENTS, required=False, default=list
    )

    def validate_people(self, ids: list[int]) -> list:
        ids = list(dict.fromkeys(ids))
        found = handling.recipients_possible(self.document).in_bulk(ids) if ids else {}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Person %(id)s cannot receive this document.") % {"id": missing[0]}
            )
        return [found[pk] for pk in ids]

    def validate_departments(self, ids: list[int]) -> list:
        ids = list(dict.fromkeys(ids))
        found = (
            Department.objects.filter(
                unit_id=self.document.unit_id, deleted_at__isnull=True
            ).in_bulk(ids)
            if ids
            else {}
        )
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Department %(id)s is not one of this unit.") % {"id": missing[0]}
            )
        return [found[pk] for pk in ids]


class DocumentDispatchExternalSerializer(DocumentStepSerializer):
    """核发 outside the unit: the organ, the channel, the 份号 sent and when it left."""

    organ = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in handling.EXTERNAL_CHANNELS]
    )
    copy_numbers = serializers.ListField(
        child=_copies(),
        max_length=numbering.MAX_COPIES,
        required=False,
        default=list,
        help_text=_("The copy numbers (份号) sent: required for a classified document."),
    )
    sent_at = DateTimeField(required=False, allow_null=True, help_text=_("Now, if left out."))


class DistributionSerializer(serializers.Serializer):
    """What a 核发 in the system did."""

    added = PersonRefSerializer(many=True, help_text=_("Sent it now."))
    already = PersonRefSerializer(many=True, help_text=_("Had it already: not sent again."))
    not_cleared = PersonRefSerializer(
        many=True, help_text=_("Department members left out: not cleared for its classification.")
    )


class DocumentDistributedSerializer(DocumentSerializer):
    distribution = DistributionSerializer()


class UnreadReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person_id")
    full_name = serializers.CharField(source="person.full_name")
    username = serializers.CharField(source="person.username")
    sent_at = serializers.DateTimeField()


class ReceiptsSerializer(serializers.Serializer):
    """Read receipts of the internal recipients (those sent it in the system)."""

    total = serializers.IntegerField()
    read = serializers.IntegerField()
    percent = serializers.IntegerField()
    unread = UnreadReceiptSerializer(many=True, help_text=_("Who has not read it yet, by name."))
