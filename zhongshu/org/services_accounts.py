"""Account services: the user's own profile and second factor.

The system administrator's (open, disable, close) and the security administrator's (roles,
clearances, administrator roles) services live here too, so that every write to an account goes
through one module and is audited in the same transaction.
"""

import base64

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhongshu.core import audit
from zhongshu.core.models import Classification, StaleVersionError, SystemConfig

from . import passwords
from .models import AdminRole, Language, Membership, Role, User, UserRole
from .signin import end_all_sessions


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


# --- The three separated administrators (三员分立, 等保 8.1.5; security.md B4, B5) ---------------
#
# Each service checks the actor's administrator role itself, so a view, the API or a shell call
# cannot skip the separation: the system administrator opens, disables and closes accounts and
# edits configuration; the security administrator grants roles, clearances and administrator
# roles; neither may act on their own account's standing.


def _require_admin_role(actor: User, role: str) -> None:
    if not (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.closed_at is None
        and actor.admin_role == role
    ):
        raise PermissionDenied(
            _("Only the %(role)s may do this.") % {"role": AdminRole(role).label}
        )


def _require_not_self(actor: User, user: User, message) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(message)


def _require_open(user: User) -> None:
    if user.closed_at is not None:
        raise ValidationError(_("This account is closed; closed accounts cannot be changed."))


def _lock(user: User) -> User:
    """Re-read the account under a row lock so two administrators' changes serialise."""
    return User.objects.select_for_update().get(pk=user.pk)


def _bump_version(user: User) -> None:
    User.objects.filter(pk=user.pk).update(version=F("version") + 1)
    user.refresh_from_db(fields=["version"])


@transaction.atomic
def account_open(*, actor: User, user: User, reset: bool = False) -> str:
    """Open an account, or reset its password: a random initial password, single-use and valid
    24 hours, that the user must replace at first sign-in (security.md B5; 等保 8.1.4.2b/c).
    Returns the password so the page can show it once; it is never stored in clear or logged."""
    _require_admin_role(actor, "sysadmin")
    _require_not_self(actor, user, _("Change your own password on your account page."))
    user = _lock(user)
    _require_open(user)
    was_active = user.is_active
    if not was_active:
        user.is_active = True
        user.save(update_fields=["is_active", "updated_at"])
    raw = passwords.initial_password_issue(actor=actor, user=user)
    audit.record(
        "account.password_reset" if reset else "account.opened",
        actor=actor,
        obj=user,
        detail={"activated": not was_active},
    )
    return raw


@transaction.atomic
def account_disable(*, actor: User, user: User) -> int:
    """Disable an account and end every session and token it holds (security.md A7)."""
    _require_admin_role(actor, "sysadmin")
    _require_not_self(actor, user, _("You cannot disable your own account."))
    user = _lock(user)
    _require_open(user)
    if not user.is_active:
        raise ValidationError(_("This account is already disabled."), code="already")
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    ended = end_all_sessions(user)
    audit.record("account.disabled", actor=actor, obj=user, detail={"sessions_ended": ended})
    return ended


@transaction.atomic
def account_enable(*, actor: User, user: User) -> None:
    _require_admin_role(actor, "sysadmin")
    user = _lock(user)
    _require_open(user)
    if user.is_active:
        raise ValidationError(_("This account is already active."), code="already")
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    audit.record("account.enabled", actor=actor, obj=user)


@transaction.atomic
def account_close(*, actor: User, user: User) -> int:
    """Close an account for good: it stays in the database (history, audit, documents keep
    pointing at it) but can never sign in again. Users are never hard-deleted (CONVENTIONS.md)."""
    _require_admin_role(actor, "sysadmin")
    _require_not_self(actor, user, _("You cannot close your own account."))
    user = _lock(user)
    _require_open(user)
    return _close(actor=actor, user=user)


def _close(*, actor: User | None, user: User, detail: dict | None = None) -> int:
    user.closed_at = timezone.now()
    user.is_active = False
    user.save(update_fields=["closed_at", "is_active", "updated_at"])
    ended = end_all_sessions(user)
    audit.record(
        "account.closed",
        actor=actor,
        actor_name="" if actor else "manage.py",
        obj=user,
        detail={"sessions_ended": ended, **(detail or {})},
    )
    return ended


@transaction.atomic
def account_sessions_end(*, actor: User, user: User) -> int:
    """The administrator's "kill sessions": every web session and API token of the user."""
    _require_admin_role(actor, "sysadmin")
    _require_not_self(actor, user, _("Sign out instead to end your own sessions."))
    ended = end_all_sessions(user)
    audit.record("account.sessions_ended", actor=actor, obj=user, detail={"sessions": ended})
    return ended


def account_locked(user: User) -> bool:
    """Whether sign-in for this account is locked from some address (django-axes, A3)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.username.lower(),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Lift the sign-in lock of an account from every address (axes keys on the lower-cased
    user name: see ``signin.axes_username``)."""
    from axes.utils import reset

    _require_admin_role(actor, "sysadmin")
    cleared = reset(username=user.username.lower())
    audit.record("account.unlocked", actor=actor, obj=user, detail={"attempts_cleared": cleared})
    return cleared


@transaction.atomic
def config_update(*, actor: User, config: SystemConfig, expected_version: int, **fields) -> dict:
    """The system administrator edits the deployment's configuration. Optimistic locking: a
    save based on a stale version raises ``StaleVersionError``. Returns the changes."""
    _require_admin_role(actor, "sysadmin")
    allowed = {"site_name", "login_notice", "support_contact"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not configurable here: {sorted(unknown)}")
    changes = {
        name: {"before": getattr(config, name), "after": value}
        for name, value in fields.items()
        if getattr(config, name) != value
    }
    if config.pk is None or not changes:
        if config.version != expected_version:
            raise StaleVersionError
        return {}
    for name, change in changes.items():
        setattr(config, name, change["after"])
    config.save_versioned(actor=actor, expected_version=expected_version, update_fields=changes)
    audit.record("config.changed", actor=actor, obj=config, detail=changes)
    return changes


def _check_grantable(actor: User, user: User) -> User:
    _require_admin_role(actor, "secadmin")
    _require_not_self(actor, user, _("You cannot change your own roles, clearance or role."))
    user = _lock(user)
    _require_open(user)
    return user


@transaction.atomic
def grant_role(*, actor: User, user: User, role: str) -> UserRole:
    """Grant a business role. An administrator (三员) holds no business role (等保 8.1.5)."""
    user = _check_grantable(actor, user)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="invalid")
    if user.admin_role:
        raise ValidationError(
            _("%(name)s is the %(role)s; administrators cannot hold business roles.")
            % {"name": user, "role": user.get_admin_role_display()},
            code="admin_role_conflict",
        )
    grant, created = UserRole.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor}
    )
    if created:
        _bump_version(user)
        audit.record(
            "grant.role_added", actor=actor, obj=user, unit_id=user.unit_id, detail={"role": role}
        )
    return grant


@transaction.atomic
def revoke_role(*, actor: User, user: User, role: str) -> bool:
    user = _check_grantable(actor, user)
    deleted = UserRole.objects.filter(user=user, role=role).delete()[0]
    if deleted:
        _bump_version(user)
        audit.record("grant.role_removed", actor=actor, obj=user, detail={"role": role})
    return bool(deleted)


@transaction.atomic
def clearance_set(*, actor: User, user: User, clearance: int) -> bool:
    """Set a user's clearance (涉密人员等级), recording who granted it and when. From 机密 up
    the user must use a second factor at the next request (``User.requires_two_factor``)."""
    user = _check_grantable(actor, user)
    clearance = Classification(int(clearance))
    before = user.clearance
    if before == clearance:
        return False
    user.clearance = clearance
    user.clearance_granted_by = actor
    user.clearance_granted_at = timezone.now()
    user.save(
        update_fields=["clearance", "clearance_granted_by", "clearance_granted_at", "updated_at"]
    )
    _bump_version(user)
    audit.record(
        "grant.clearance_changed",
        actor=actor,
        obj=user,
        classification=max(before, clearance),
        detail={"before": int(before), "after": int(clearance)},
    )
    return True


@transaction.atomic
def admin_role_set(*, actor: User, user: User, admin_role: str) -> bool:
    """Make an account one of the three administrators, or no administrator (""). No account
    holds two administrator roles, nor an administrator role and business roles (等保 8.1.5):
    the old role must be removed before a different one is given. The account's sessions end,
    so its next sign-in runs under the new rules (second factor, 15-minute idle limit)."""
    user = _check_grantable(actor, user)
    admin_role = admin_role or ""
    if admin_role and admin_role not in AdminRole.values:
        raise ValidationError(_("Unknown administrator role."), code="invalid")
    before = user.admin_role
    if before == admin_role:
        return False
    if admin_role and before:
        raise ValidationError(
            _("%(name)s is already the %(role)s. An account holds one administrator role only.")
            % {"name": user, "role": user.get_admin_role_display()},
            code="second_admin_role",
        )
    if admin_role and user.role_grants.exists():
        raise ValidationError(
            _(
                "%(name)s holds business roles. Revoke them before making the account an "
                "administrator."
            )
            % {"name": user},
            code="admin_role_conflict",
        )
    if admin_role and user.is_superuser:
        raise ValidationError(_("A superuser cannot be an administrator."), code="superuser")
    user.admin_role = admin_role
    user.save(update_fields=["admin_role", "updated_at"])
    _bump_version(user)
    end_all_sessions(user)
    audit.record(
        "grant.admin_role_changed",
        actor=actor,
        obj=user,
        detail={"before": before, "after": admin_role},
    )
    return True


@transaction.atomic
def demo_accounts_close(*, actor: User | None = None) -> list[str]:
    """Going to production: close every demo account (their password is published) and make
    their passwords unusable. Run by ``manage.py close_demo_accounts``; audited per account."""
    closed = []
    for user in User.objects.select_for_update().filter(
        is_demo_account=True, closed_at__isnull=True
    ):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _close(actor=actor, user=user, detail={"reason": "demo_account"})
        closed.append(user.username)
    return closed


@transaction.atomic
def grants_apply(
    *, actor: User, user: User, expected_version: int, roles, admin_role: str, clearance: int
) -> bool:
    """All the changes of one form, in one transaction: any refusal undoes the rest. Roles are
    revoked before an administrator role is given and granted after one is removed, so that a
    form that swaps both at once is accepted."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.version != expected_version:
        raise StaleVersionError
    current = set(locked.role_grants.values_list("role", flat=True))
    wanted = set(roles)
    changed = False
    for role in sorted(current - wanted):
        changed |= revoke_role(actor=actor, user=locked, role=role)
    if admin_role != locked.admin_role:
        changed |= admin_role_set(actor=actor, user=locked, admin_role=admin_role)
    for role in sorted(wanted - current):
        grant_role(actor=actor, user=locked, role=role)
        changed = True
    if clearance != locked.clearance:
        changed |= clearance_set(actor=actor, user=locked, clearance=clearance)
    return changed


@transaction.atomic
def account_create(
    *, actor: User, unit, username: str, full_name: str, mobile=None, email=""
) -> User:
    """The system administrator creates an account that has no post yet — e.g. the first
    organisation maintainer of a new deployment, or someone outside the department tree. It
    is opened (initial password) as a separate step, like an imported person's."""
    from .services import person_create

    _require_admin_role(actor, "sysadmin")
    user = person_create(
        actor=actor, unit=unit, username=username, full_name=full_name, mobile=mobile, email=email
    )
    audit.record("account.created", actor=actor, obj=user)
    return user
