"""Password rules (security.md A1, A2; 等保 8.1.4.1a)."""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() or c in string.punctuation for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    """At least three of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(count)d of these: lower-case letters, "
                    "upper-case letters, digits and symbols."
                )
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return ngettext(
            "Mix at least %(count)d kind of character.",
            "Mix at least %(count)d of: lower-case, upper-case, digits, symbols.",
            self.min_classes,
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """The new password differs from the current one and the previous ones (last 5)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from django.conf import settings

        count = settings.PASSWORD_HISTORY_COUNT
        hashes = list(user.password_history.values_list("password", flat=True)[:count])
        if user.password:
            hashes.append(user.password)
        for encoded in hashes:
            if encoded and check_password(password, encoded):
                raise ValidationError(
                    _("You used this password recently. Choose one you have not used before."),
                    code="password_reused",
                )

    def get_help_text(self):
        return _("It must differ from your last five passwords.")
