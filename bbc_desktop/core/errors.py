"""The few named errors the core raises; GUI and CLI turn them into a message, never a traceback."""


class BbcError(Exception):
    """Base of every error meant for the person at the counter. ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(BbcError):
    """Input that cannot be accepted as typed (bad phone, empty content, future date…)."""


class NotFound(BbcError):
    """A ticket, unit or account that does not exist."""


class Conflict(BbcError):
    """The data changed meanwhile, or an identifier is already taken."""


class TransitionError(BbcError):
    """A lifecycle step that is not allowed from the ticket's current state."""


class PermissionDenied(BbcError):
    """The acting account may not do this (its role), or no valid account is acting at all."""


class DatabaseUnavailable(BbcError):
    """The database cannot be reached or written right now (server down, network, file locked).

    Nothing of the unit of work was saved; what the operator typed stays in the window.
    """


class DamagedDatabase(BbcError):
    """The database file failed its integrity check: it must be restored from a backup."""
