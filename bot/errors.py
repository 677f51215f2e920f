"""Errors newsdesk raises on purpose; each message says what to do about it."""


class NewsdeskError(Exception):
    """Base class for the errors below."""


class ConfigError(NewsdeskError):
    """A setting or the sources file is missing or malformed."""


class SourceError(NewsdeskError):
    """A source could not be fetched or refused to be fetched (the source stays, the cycle goes on).

    `retry_after` is how many seconds the server asked us to wait before trying again (its
    Retry-After header, RFC 9110 section 10.2.3), or None when it did not say.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Stopping(NewsdeskError):
    """newsdesk is shutting down: the work in hand is left for the next start, not failed."""


class ExtractionError(NewsdeskError):
    """Fetched bytes held no usable feed or article."""


class InputError(NewsdeskError):
    """A line of an input file (for `newsdesk analyze`) is not usable."""
