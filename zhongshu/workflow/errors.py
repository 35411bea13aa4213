"""Domain errors of the engine; views and the API turn them into 404 / 409 / 400."""

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """An invalid transition: shown to the user as it is (400 in the API)."""

    def __init__(self, message=""):
        super().__init__(message)
        self.message = str(message)

    def __str__(self):
        return self.message


class NotYours(WorkflowError):
    """The actor is neither the assignee nor their delegate (404: the item is not theirs)."""


class AlreadyHandled(WorkflowError):
    """The item was decided already (409), naming who handled it."""

    def __init__(self, by=None):
        self.by = by
        if by is not None:
            message = _("Already handled by %(name)s.") % {"name": by}
        else:
            message = _("Already handled.")
        super().__init__(message)


class TooLate(WorkflowError):
    """The run moved on (it ended, or someone acted) so the move is no longer possible (409)."""
