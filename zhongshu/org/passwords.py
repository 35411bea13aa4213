"""Setting passwords: history, expiry clock, initial passwords (security.md A1, A2, B5)."""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from zhongshu.core import audit

from .models import PasswordHistory, User
from .signin import end_all_sessions


@transaction.atomic
def password_change(*, actor: User, user: User, raw_password: str, keep_session_key=None) -> None:
    """The user's own change: validated (length, classes, similarity, common, last five),
    recorded in the history, and every other session and token of the user ended."""
    validate_password(raw_password, user)
    _store(user, raw_password)
    user.must_change_password = False
    user.initial_password_expires_at = None
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "must_change_password",
            "initial_password_expires_at",
        ]
    )
    end_all_sessions(user, keep_session_key=keep_session_key)
    audit.record("auth.password_changed", actor=actor, obj=user)


def generate_initial_password() -> str:
    """Random, meets every rule: 16 characters from all four classes."""
    alphabet = string.ascii_letters + string.digits + "@#%+=?"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


@transaction.atomic
def initial_password_issue(*, actor: User, user: User) -> str:
    """The system administrator opens an account or resets it: a random password, valid for
    one sign-in within 24 hours, after which the user must choose their own (B5)."""
    raw = generate_initial_password()
    _store(user, raw)
    user.must_change_password = True
    user.initial_password_expires_at = timezone.now() + timedelta(
        hours=settings.INITIAL_PASSWORD_VALID_HOURS
    )
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "must_change_password",
            "initial_password_expires_at",
        ]
    )
    end_all_sessions(user)
    audit.record("account.initial_password_issued", actor=actor, obj=user)
    return raw


def _store(user: User, raw_password: str) -> None:
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = settings.PASSWORD_HISTORY_COUNT
        stale = list(user.password_history.values_list("pk", flat=True)[keep:])
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
