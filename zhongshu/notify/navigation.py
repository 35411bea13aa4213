"""The bell in the top bar and the side navigation entries (filled from ``NotifyConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from zhongshu.core import badges, navigation
from zhongshu.core.rules import is_business_user, is_sysadmin

from .selectors import unread_count

badges.register(
    "notifications",
    label=_("Notifications"),
    icon="bell",
    url_name="notify:list",
    count=unread_count,
    order=20,
)
navigation.register(
    "notification_settings",
    label=_("Notification settings"),
    url_name="notify:settings",
    group="work",
    order=90,
    icon="bell",
    allowed=is_business_user,
)
navigation.register(
    "notify_outbox",
    label=_("Message delivery"),
    url_name="notify:admin_outbox",
    group="admin",
    order=30,
    icon="send-exclamation",
    allowed=is_sysadmin,
)
navigation.register(
    "notify_robots",
    label=_("Group robots"),
    url_name="notify:admin_robots",
    group="admin",
    order=31,
    icon="robot",
    allowed=is_sysadmin,
)
navigation.register(
    "notify_hosts",
    label=_("Robot host allow-list"),
    url_name="notify:admin_hosts",
    group="admin",
    order=32,
    icon="shield-check",
    allowed=is_sysadmin,
)
