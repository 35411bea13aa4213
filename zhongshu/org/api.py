"""Read-only organisation API: the signed-in user, departments and people (issue item 8).

Visibility comes from ``selectors`` only: anything outside it is a 404, and the three
administrators, who read no business content, get empty lists (CONVENTIONS.md, "Roles").
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Department, Membership, User
from .selectors import own_account, visible_departments, visible_people, visible_unit_ids
from .serializers import DepartmentSerializer, MeSerializer, PersonSerializer

# Bounded so a huge number is a 400, not a database overflow.
MAX_ID = 2**53


def _id_field(help_text):
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


class DepartmentFilterSerializer(serializers.Serializer):
    unit = _id_field(_("Only departments of this unit."))
    parent = _id_field(_("Only the direct children of this department."))
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Part of the department's name.")
    )


class PersonFilterSerializer(serializers.Serializer):
    unit = _id_field(_("Only people of this unit."))
    department = _id_field(_("Only people with a post in this department."))
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Part of the full name or the user name.")
    )


class MeView(APIView):
    @extend_schema(responses=MeSerializer, tags=["account"])
    def get(self, request):
        return Response(MeSerializer(own_account(request.user)).data)


class _VisibleViewSet(viewsets.ReadOnlyModelViewSet):
    filter_serializer_class: type[serializers.Serializer]

    def filters(self) -> dict:
        params = self.filter_serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def filter_queryset(self, queryset):
        # Query filters narrow lists only; a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return self.apply_filters(queryset, self.filters())

    def apply_filters(self, queryset, filters):
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(parameters=[DepartmentFilterSerializer], tags=["organisation"]),
    retrieve=extend_schema(tags=["organisation"]),
)
class DepartmentViewSet(_VisibleViewSet):
    queryset = Department.objects.none()
    serializer_class = DepartmentSerializer
    filter_serializer_class = DepartmentFilterSerializer

    def get_queryset(self):
        return visible_departments(self.request.user)

    def apply_filters(self, queryset, filters):
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        if "parent" in filters:
            queryset = queryset.filter(parent_id=filters["parent"])
        if filters.get("q"):
            queryset = queryset.filter(name__icontains=filters["q"])
        return queryset


@extend_schema_view(
    list=extend_schema(parameters=[PersonFilterSerializer], tags=["organisation"]),
    retrieve=extend_schema(tags=["organisation"]),
)
class PersonViewSet(_VisibleViewSet):
    queryset = User.objects.none()
    serializer_class = PersonSerializer
    filter_serializer_class = PersonFilterSerializer

    def get_queryset(self):
        return visible_people(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        context["visible_unit_ids"] = set(visible_unit_ids(self.request.user))
        return context

    def apply_filters(self, queryset, filters):
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        if "department" in filters:
            # Only through a department the reader can see: a post elsewhere is not revealed.
            holders = Membership.objects.filter(
                department_id=filters["department"],
                department__in=visible_departments(self.request.user),
                deleted_at__isnull=True,
            ).values("user_id")
            queryset = queryset.filter(id__in=holders)
        if filters.get("q"):
            q = filters["q"]
            queryset = queryset.filter(Q(full_name__icontains=q) | Q(username__icontains=q))
        return queryset
