"""Texts of notifications, rendered from the stored event and parameters in the reader's language.

Group robots post into chats that people outside the item's 知悉范围 read: for anything marked
内部 or above they carry a neutral sentence and the link, never the title (CONVENTIONS.md
"Background work").
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core.models import Classification

TEMPLATES = {
    "work.assigned": gettext_lazy("New item to handle: %(title)s"),
    "work.due_soon": gettext_lazy("Due tomorrow: %(title)s"),
    "work.overdue": gettext_lazy("Overdue: %(title)s"),
    "work.decided": gettext_lazy("Decision on your item: %(title)s"),
    "work.cc": gettext_lazy("For your information: %(title)s"),
    "work.reminded": gettext_lazy("Reminder (催办): %(title)s"),
    "work.instructed": gettext_lazy("New instruction (批示) on: %(title)s"),
}
NEUTRAL = {
    "work.assigned": gettext_lazy("You have a new item to handle."),
    "work.due_soon": gettext_lazy("You have an item due tomorrow."),
    "work.overdue": gettext_lazy("You have an overdue item."),
    "work.decided": gettext_lazy("There is a decision on your item."),
    "work.cc": gettext_lazy("You have a new item for your information."),
    "work.reminded": gettext_lazy("You are reminded (催办) of an item to act on."),
    "work.instructed": gettext_lazy("There is a new instruction (批示) on a document."),
}
FALLBACK = gettext_lazy("Notification: %(title)s")
FALLBACK_NEUTRAL = gettext_lazy("You have a new notification.")


def headline(notification) -> str:
    """The one-line text of a notification, in the active language."""
    template = TEMPLATES.get(notification.event, FALLBACK)
    return str(template) % {"title": notification.title}


def neutral(notification) -> str:
    return str(NEUTRAL.get(notification.event, FALLBACK_NEUTRAL))


def absolute_url(path: str) -> str:
    """Links in messages must work outside the browser session: prefix the site address."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def robot_text(notification, recipient) -> str:
    """What a group robot posts: who it is for, the text (neutral when classified), the link."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        if notification.classification >= Classification.INTERNAL:
            text = neutral(notification)
        else:
            text = headline(notification)
        return f"{recipient.get_full_name() or recipient.get_username()}: {text}"


def email_message(notification, recipient) -> tuple[str, str]:
    """(subject, body) in the recipient's language."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        # E-mail leaves the network: no titles of 秘密 and above, only the link.
        if notification.classification >= Classification.SECRET:
            text = neutral(notification)
        else:
            text = headline(notification)
        subject = f"[{settings.SITE_NAME}] {text}"
        classification = Classification(notification.classification).label
        body = "\n".join(
            [
                text,
                "",
                _("Classification: %(level)s") % {"level": classification},
                _("Open: %(url)s") % {"url": absolute_url(notification.url)},
            ]
        )
        return subject, body
