from django.utils.translation import gettext_lazy as _

from zhongshu.core import badges, navigation

from .selectors import is_business_user, todo_count


def _can_configure(user) -> bool:
    from zhongshu.org.predicates import can_manage_org

    return can_manage_org(user)


navigation.register(
    "inbox",
    label=_("My work"),
    url_name="workflow:inbox",
    group="work",
    order=5,
    icon="inbox",
    allowed=is_business_user,
)
navigation.register(
    "work_settings",
    label=_("Opinions and delegation"),
    url_name="workflow:settings",
    group="work",
    order=90,
    icon="person-gear",
    allowed=is_business_user,
)
navigation.register(
    "routes",
    label=_("Approval routes"),
    url_name="workflow:route_list",
    group="manage",
    order=30,
    icon="signpost-split",
    allowed=_can_configure,
)
badges.register(
    "inbox", label=_("To do"), icon="inbox", url_name="workflow:inbox", count=todo_count, order=10
)
