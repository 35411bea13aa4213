from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """The test-only workflow subject (CONVENTIONS.md "Tests"), loaded in test mode only."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
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
