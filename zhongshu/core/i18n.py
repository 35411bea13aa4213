"""Texts the software writes into stored data (a step's name, a route's name) are written in the
site's language, never in the language of whoever happened to act: the stored rows of one office
read the same for everyone, as the step names its staff typed do."""

from django.conf import settings
from django.utils import translation


def stored_text(text) -> str:
    """``text`` (usually a lazy translation) in the site's language, for saving."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)
