"""Representations of incoming documents (收文) for the API (:mod:`.api_incoming`).

The registration serializer only shapes JSON into the dict that
:func:`.services_incoming.clean_registration` checks, as ``RegisterIncomingForm`` does for the
browser: types and bounds here, every rule of registration in the service, so the API and the
web refuse the same registrations. The sending organ is looked up by its directory id among
the organs the form offers (:func:`.organs.organs_in_use`).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhongshu.core.models import Classification
from zhongshu.org.serializers import PersonRefSerializer

from . import organs, services_incoming
from .models import DeadlineSource, Handling, IncomingDocument, IncomingState, Kind, Urgency
from .serializers import MAX_ID, MAX_PAGE_SIZE, DateTimeField, id_field

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
