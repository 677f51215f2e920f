"""Errors newsdesk raises on purpose; each message says what to do about it."""


class NewsdeskError(Exception):
    """Base class for the errors below."""


class ConfigError(NewsdeskError):
    """A setting or the sources file is missing or malformed."""


class SourceError(NewsdeskError):
    """A source could not be fetched or refused to be fetched (the source stays, the cycle goes on)."""


class ExtractionError(NewsdeskError):
    """Fetched bytes held no usable feed or article."""


class InputError(NewsdeskError):
    """A line of an input file (for `newsdesk analyze`) is not usable."""
