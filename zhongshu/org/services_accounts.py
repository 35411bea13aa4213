"""Account services: the user's own profile and second factor.

The system administrator's (open, disable, close) and the security administrator's (roles,
clearances, administrator roles) services live here too, so that every write to an account goes
through one module and is audited in the same transaction.
"""

import base64

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhongshu.core import audit

from .models import Language, Membership, User


@transaction.atomic
def profile_update(*, actor: User, user: User, language: str | None = None, email=None) -> None:
    changes = {}
    if language is not None and language in Language.values and language != user.language:
        changes["language"] = (user.language, language)
        user.language = language
    if email is not None and email != user.email:
        changes["email"] = (user.email, email)
        user.email = email
    if not changes:
        return
    user.save(update_fields=[*changes.keys(), "updated_at"])
    audit.record(
        "account.profile_updated",
        actor=actor,
        obj=user,
        detail={k: {"before": b, "after": a} for k, (b, a) in changes.items()},
    )


def posts_of(user: User):
    return (
        Membership.objects.filter(user=user, deleted_at__isnull=True)
        .select_related("department", "position", "department__unit")
        .order_by("-is_primary", "sort_order", "id")
    )


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (one per user), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False, tolerance=1, step=30
        )
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice | None:
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit.record("auth.two_factor_enabled", actor=user, obj=user)
    return device


@transaction.atomic
def totp_devices_remove(*, actor: User, user: User) -> None:
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    if deleted:
        audit.record("auth.two_factor_removed", actor=actor, obj=user)
