"""org's answers to the kernel's named permissions (zhongshu.core.permissions)."""

from zhongshu.core import permissions

from .predicates import can_manage_org

# The office maintains the holiday calendar (rules.md "Working days").
permissions.register("calendar.manage", can_manage_org)
