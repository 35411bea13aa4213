"""Who may do what with the organisation (STYLE.md: predicates take the user)."""

from .models import Role


def can_manage_org(user) -> bool:
    """Office staff with the organisation role; never one of the three administrators."""
    return (
        user.is_authenticated
        and user.is_active
        and not user.admin_role
        and user.has_role(Role.ORGANISATION)
    )


def can_see_directory(user) -> bool:
    return user.is_authenticated and user.is_active and not user.admin_role
