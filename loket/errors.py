"""Errors the core raises. Their text is plain Dutch (B1): UIs show it as it is."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules do not allow; nothing was changed."""

    def __init__(self, message: str, *, code: str = "domain") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="not_found")


class IllegalTransition(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="illegal_transition")


class Refused(DomainError):
    """A visitor's request refused by opening hours or the service offer."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message, code=code)


class PermissionDenied(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="permission")


class ConfigError(DomainError):
    """Configuration file errors; each names the field and what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems), code="config")
        self.problems = problems


class SchemaMismatch(DomainError):
    """The database's schema is not the one this program was built for (older, newer,
    or not set up); checked by every role at start (loket/schema_check.py)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)
