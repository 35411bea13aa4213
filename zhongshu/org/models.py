"""Organisation: units, departments, positions, people and their posts (CONVENTIONS.md).

Routes resolve approvers through ``Department.head``, ``Department.leader_in_charge`` (分管领导)
and ``Unit.principal`` (主要负责人); positions carry the rank order used wherever leaders are
listed and, later, for meeting seating.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification


class Unit(BaseModel):
    """An organisation (单位). A deployment may hold a parent unit and its subordinate units."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(
        _("code"),
        max_length=30,
        help_text=_("Unified social credit code or an internal code."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("principal leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    authorised_signers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorised signers"),
        blank=True,
        related_name="+",
        help_text=_(
            "People the principal leader has authorised to sign upward and important documents "
            "(条例 §20) in their place."
        ),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(deleted_at__isnull=True), name="unit_code_unique"
            )
        ]

    def __str__(self):
        return self.name


class Department(BaseModel):
    """A department in a unit's tree; exactly one per unit may be the general office (办公室)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="departments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30)
    is_general_office = models.BooleanField(_("general office"), default=False)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["unit", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=Q(deleted_at__isnull=True),
                name="department_code_unique",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_general_office=True, deleted_at__isnull=True),
                name="one_general_office_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "parent"], name="department_tree_idx")]

    def __str__(self):
        return self.name


class Position(BaseModel):
    """A post title with a rank: lower ``rank`` comes first wherever leaders are listed."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveIntegerField(
        _("rank order"),
        default=100,
        help_text=_("Smaller numbers rank higher (the director is 1)."),
    )
    is_leader = models.BooleanField(_("unit leader"), default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                condition=Q(deleted_at__isnull=True),
                name="position_name_unique",
            )
        ]

    def __str__(self):
        return self.name


class AdminRole(models.TextChoices):
    """三员分立 (等保 8.1.5): at most one per account, never combined with business work."""

    SYSTEM = "sysadmin", _("System administrator")
    SECURITY = "secadmin", _("Security administrator")
    AUDIT = "auditor", _("Audit administrator")


class Role(models.TextChoices):
    """Business roles granted by the security administrator."""

    ORGANISATION = "org", _("Organisation maintenance")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"
    EN = "en", "English"


class UserManager(DjangoUserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        user = self.model(username=username, email=self.normalize_email(email), **extra_fields)
        user.password = ""
        if password:
            user.set_password(password)
        return user

    def create_user(self, username, email=None, password=None, **extra_fields):
        user = self._create_user_object(username, email or "", password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, *args, **kwargs):
        raise NotImplementedError(
            "Zhongshu has no superuser: use the three separated administrators (三员)."
        )


mobile_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mainland mobile number."))


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Never hard-deleted: closing an account deactivates it (CONVENTIONS.md)."""

    username = models.CharField(
        _("user name"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_.\-]+$",
                _("Use letters, digits, dots, hyphens and underscores only."),
            )
        ],
    )
    full_name = models.CharField(_("full name"), max_length=60)
    mobile = models.CharField(
        _("mobile"), max_length=11, null=True, blank=True, validators=[mobile_validator]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    gender = models.CharField(
        _("gender"),
        max_length=1,
        blank=True,
        choices=[("M", _("Male")), ("F", _("Female"))],
    )
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Classification.choices, default=Classification.INTERNAL
    )
    clearance_granted_by = models.ForeignKey(
        "self",
        verbose_name=_("clearance granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clearance_granted_at = models.DateTimeField(_("clearance granted at"), null=True, blank=True)
    admin_role = models.CharField(
        _("administrator role"), max_length=10, choices=AdminRole.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False, editable=False)
    is_demo_account = models.BooleanField(_("demo account"), default=False, editable=False)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    initial_password_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"], condition=Q(mobile__isnull=False), name="user_mobile_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(admin_role=""),
                name="admin_role_not_superuser",
            ),
        ]
        indexes = [models.Index(fields=["unit", "full_name"], name="user_unit_name_idx")]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    @property
    def is_administrator(self) -> bool:
        """One of the three separated administrators: none of them reads business content."""
        return bool(self.admin_role)

    @property
    def requires_two_factor(self) -> bool:
        if self.is_demo_account and settings.DEMO_MODE:
            return False
        return self.is_administrator or self.clearance >= Classification.CONFIDENTIAL

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return not self.is_administrator and role in self.role_codes()


class UserRole(models.Model):
    """A business role granted by the security administrator (安全保密管理员)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]


class Membership(BaseModel):
    """A post: a person in a department with a position. One primary; others are 兼职."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_primary = models.BooleanField(_("primary post"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="one_primary_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "department"],
                condition=Q(deleted_at__isnull=True),
                name="membership_unique",
            ),
        ]
        indexes = [models.Index(fields=["department", "sort_order"], name="membership_dept_idx")]

    def __str__(self):
        return f"{self.user} · {self.department}"


class PasswordHistory(models.Model):
    """Hashes of earlier passwords: the last five can't be reused (等保 8.1.4.1a)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class UserSession(models.Model):
    """One row per sign-in, so sign-out, disabling and password change can end them all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
