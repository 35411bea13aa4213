"""Read-only representations of the organisation for the API (``zhongshu.org.api``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhongshu.core.models import Classification

from .models import AdminRole, Department, Membership, Position, Role, Unit, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]
        read_only_fields = fields


class PositionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name"]
        read_only_fields = fields


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    """A post (职务): the department, the position and whether it is the primary one."""

    department = DepartmentRefSerializer(read_only=True)
    position = PositionRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["department", "position", "is_primary"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    head = PersonRefSerializer(read_only=True, allow_null=True)
    leader_in_charge = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "unit",
            "parent",
            "name",
            "code",
            "is_general_office",
            "head",
            "leader_in_charge",
            "sort_order",
            "phone",
        ]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person in the directory. Posts in units the reader cannot see are left out (B2)."""

    unit = UnitRefSerializer(read_only=True, allow_null=True)
    posts = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "unit", "posts"]
        read_only_fields = fields

    @extend_schema_field(PostSerializer(many=True))
    def get_posts(self, person):
        unit_ids = self.context.get("visible_unit_ids")
        posts = person.live_posts  # prefetched by selectors.visible_people
        if unit_ids is not None:
            posts = [p for p in posts if p.department.unit_id in unit_ids]
        return PostSerializer(posts, many=True).data


class ClearanceSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Classification.choices)
    label = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user's own account, roles and posts."""

    unit = UnitRefSerializer(read_only=True, allow_null=True)
    clearance = serializers.SerializerMethodField()
    admin_role = serializers.ChoiceField(
        choices=AdminRole.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("One of the three separated administrator roles, or empty."),
    )
    roles = serializers.SerializerMethodField()
    posts = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "unit",
            "language",
            "clearance",
            "admin_role",
            "roles",
            "posts",
        ]
        read_only_fields = fields

    @extend_schema_field(ClearanceSerializer)
    def get_clearance(self, user):
        return {"value": user.clearance, "label": str(user.get_clearance_display())}

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=Role.choices),
            help_text=_("Business roles; always empty for the three administrators."),
        )
    )
    def get_roles(self, user):
        if user.is_administrator:
            return []
        return sorted(user.role_codes())

    @extend_schema_field(PostSerializer(many=True))
    def get_posts(self, user):
        return PostSerializer(user.live_posts, many=True).data
