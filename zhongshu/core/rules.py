"""Who may use the kernel's pages. Predicates take the user (STYLE.md, "predicates")."""


def is_auditor(user) -> bool:
    return user.is_authenticated and user.is_active and user.admin_role == "auditor"


def is_sysadmin(user) -> bool:
    return user.is_authenticated and user.is_active and user.admin_role == "sysadmin"


def is_secadmin(user) -> bool:
    return user.is_authenticated and user.is_active and user.admin_role == "secadmin"


def is_business_user(user) -> bool:
    """Anyone signed in who is not one of the three administrators (they read no content)."""
    return user.is_authenticated and user.is_active and not user.admin_role
