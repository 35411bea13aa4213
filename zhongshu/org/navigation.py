from django.utils.translation import gettext_lazy as _

from zhongshu.core import navigation

from .predicates import can_manage_org, can_see_directory

navigation.register(
    "directory",
    label=_("Directory"),
    url_name="org:directory",
    group="work",
    order=20,
    icon="person-lines-fill",
    allowed=can_see_directory,
)
navigation.register(
    "org",
    label=_("Organisation"),
    url_name="org:department_list",
    group="manage",
    order=10,
    icon="diagram-3",
    allowed=can_manage_org,
)
navigation.register(
    "accounts",
    label=_("Accounts"),
    url_name="org:account_list",
    group="admin",
    order=10,
    icon="person-badge",
    allowed=lambda user: user.is_authenticated and user.admin_role == "sysadmin",
)
navigation.register(
    "config",
    label=_("System configuration"),
    url_name="org:config_edit",
    group="admin",
    order=11,
    icon="gear",
    allowed=lambda user: user.is_authenticated and user.admin_role == "sysadmin",
)
navigation.register(
    "grants",
    label=_("Roles and clearances"),
    url_name="org:grant_list",
    group="admin",
    order=20,
    icon="shield-lock",
    allowed=lambda user: user.is_authenticated and user.admin_role == "secadmin",
)
