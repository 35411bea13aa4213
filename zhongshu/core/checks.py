"""System checks for production mode (CONVENTIONS.md, "Modes"; security.md B4, B5)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def production_refusals(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    if settings.SECRET_KEY_GENERATED:
        errors.append(
            Error("SECRET_KEY is generated; set it in the environment.", id="zhongshu.E001")
        )
    from django.contrib.auth import get_user_model

    User = get_user_model()
    try:
        demo = User.objects.filter(is_demo_account=True, is_active=True).count()
        superusers = User.objects.filter(is_superuser=True).count()
    except DatabaseError:
        return errors  # no database yet: nothing to refuse
    if demo:
        errors.append(
            Error(
                f"{demo} demo account(s) exist with the published password.",
                hint="Close them (python manage.py close_demo_accounts) before production use.",
                id="zhongshu.E002",
            )
        )
    if superusers:
        errors.append(
            Error(
                f"{superusers} Django superuser(s) exist; production has none (三员分立).",
                id="zhongshu.E003",
            )
        )
    return errors
