from django.apps import AppConfig

# States after which a request's files are fixed: the approval has ended.
FINAL_STATES = ("approved", "rejected")


class TestAppConfig(AppConfig):
    """The test-only workflow subject (CONVENTIONS.md "Tests"), loaded in test mode only; also
    the test owner of attachments (``zhongshu.core.files``)."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Q

        from zhongshu.core.files import register_owner
        from zhongshu.workflow.models import WorkItem
        from zhongshu.workflow.registry import register_subject

        from .models import Request

        def can_view(user, obj):
            return (
                user.is_authenticated
                and not user.admin_role
                and user.unit_id == obj.unit_id
                and user.clearance >= obj.classification
            )

        def on_transition(obj, event, actor):
            obj.state = event
            obj.save(update_fields=["state"])

        register_subject(
            "testapp.request",
            label="Request",
            model=Request,
            title=lambda obj: obj.title,
            url=lambda obj: f"/requests/{obj.pk}/",
            classification=lambda obj: obj.classification,
            can_view=can_view,
            on_transition=on_transition,
            condition_fields={"amount": "Amount"},
        )

        def get_request(owner_id):
            if not str(owner_id).isdigit():
                return None
            return Request.objects.filter(pk=int(owner_id)).first()

        def files_can_view(user, owner_id):
            """The requester and the people in its approval (assignees, those they act for,
            deciders, copies) — within the subject's own visibility."""
            obj = get_request(owner_id)
            if obj is None or not can_view(user, obj):
                return False
            if obj.created_by_id == user.pk:
                return True
            return WorkItem.objects.filter(
                Q(assignee=user) | Q(delegate_for=user) | Q(decided_by=user),
                run__kind="testapp.request",
                run__subject_id=obj.pk,
            ).exists()

        def files_can_edit(user, obj):
            """Only the requester, and only until the approval has ended."""
            return obj.created_by_id == user.pk and obj.state not in FINAL_STATES

        register_owner(
            "testapp.request",
            label="Request",
            can_view=files_can_view,
            get_owner=get_request,
            can_edit=files_can_edit,
        )
