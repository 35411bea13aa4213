"""Representations of internal memos (签报) for the API (:mod:`.api_memo`).

The write serializer only shapes JSON into the dict :func:`.services_memo.clean` checks, as
``MemoForm`` does for the browser: types and bounds here, every rule in the service.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhongshu.core.models import Classification
from zhongshu.org.serializers import DepartmentRefSerializer, PersonRefSerializer

from .models import Memo, MemoState, Urgency
from .serializers import MAX_PAGE_SIZE, id_field


class MemoListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=60, help_text=_("Title, number or text"))
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=9999, help_text=_("Year")
    )
    state = serializers.ChoiceField(choices=MemoState.choices, required=False)
    department = id_field(required=False, help_text=_("Department"))
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text=_("Mine only"))
    open = serializers.BooleanField(required=False, default=False, help_text=_("Still in approval"))
    after = id_field(required=False)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )


class MemoHolderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    step = serializers.CharField()
    since = serializers.DateTimeField()


class MemoRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text=_("签报〔year〕N号, once submitted"))
    title = serializers.CharField()
    department = DepartmentRefSerializer()
    drafter = PersonRefSerializer()
    classification = serializers.ChoiceField(choices=Classification.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    needs_principal = serializers.BooleanField()
    state = serializers.ChoiceField(choices=MemoState.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class MemoPageSerializer(serializers.Serializer):
    results = MemoRowSerializer(many=True)
    next = serializers.IntegerField(allow_null=True)  # the ``after`` of the next page


class MemoOpinionSerializer(serializers.Serializer):
    """One opinion on the memo, in order: who, at which step, what they decided and wrote."""

    step = serializers.CharField()
    person = PersonRefSerializer(allow_null=True)
    on_behalf_of = PersonRefSerializer(allow_null=True)
    decision = serializers.CharField()
    opinion = serializers.CharField()
    at = serializers.DateTimeField()


class MemoSerializer(MemoRowSerializer):
    body = serializers.CharField()
    leader = PersonRefSerializer(allow_null=True, help_text=_("the leader who decides (批办)"))
    decided_by = PersonRefSerializer(allow_null=True)
    decision = serializers.CharField()
    holders = MemoHolderSerializer(many=True)
    opinions = MemoOpinionSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class MemoWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=Memo.TITLE_MAX, allow_blank=True)
    body = serializers.CharField(max_length=Memo.BODY_MAX, allow_blank=True)
    department = id_field(required=False, help_text=_("one of your departments"))
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.PUBLIC
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    needs_principal = serializers.BooleanField(default=False)


class MemoVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
