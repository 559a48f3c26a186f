"""Errors the user caused and can fix: the CLI prints them on one line and exits 2."""


class UserError(Exception):
    """Bad input or usage; the message is shown as is."""


class InputError(UserError):
    """A source document cannot be read as text."""
