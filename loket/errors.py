"""Errors the core raises. Their text is plain Dutch (B1): staff UIs show it as it is.

Each error has a ``code`` and structured ``params`` (times, dates, names): the public
screens word a refusal in the visitor's language from those (``kiosk.messages``), never
by reading the Dutch text.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


class DomainError(Exception):
    """A request the rules do not allow; nothing was changed."""

    def __init__(
        self, message: str, *, code: str = "domain", params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params: dict[str, object] = dict(params or {})


class NotFound(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="not_found")


class IllegalTransition(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="illegal_transition")


class Refused(DomainError):
    """A visitor's request refused by opening hours or the service offer."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "refused",
        params: dict[str, object] | None = None,
        service: str = "",
    ) -> None:
        super().__init__(message, code=code, params=params)
        # The service asked for, when the refusal concerns one: a UI may offer the next
        # step for it (the kiosk: take a number for it now).
        self.service = service


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


class Unavailable(Exception):
    """The database cannot be used right now (unreachable, not set up, or it refused the
    transaction); nothing was changed. The core raises it for every database problem, so
    the UI needs no SQLAlchemy: show ``message`` or an out-of-order screen and try again.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = "database"


# The code errors (a scanned QR or typed code that does not fit) live next to the codes;
# the UIs take them from here with the other errors. Loaded lazily: loket.codes imports
# this module.
_CODE_ERRORS = (
    "CodeError",
    "CodeUnreadable",
    "ShortCodeTypo",
    "CodeInvalid",
    "CodeExpired",
    "CodeWrongDay",
    "CodeWrongBranch",
    "CodeAlreadyUsed",
    "CodeTooManyAttempts",
)

if TYPE_CHECKING:  # explicit re-exports, for mypy
    from loket.codes import CodeAlreadyUsed as CodeAlreadyUsed
    from loket.codes import CodeError as CodeError
    from loket.codes import CodeExpired as CodeExpired
    from loket.codes import CodeInvalid as CodeInvalid
    from loket.codes import CodeTooManyAttempts as CodeTooManyAttempts
    from loket.codes import CodeUnreadable as CodeUnreadable
    from loket.codes import CodeWrongBranch as CodeWrongBranch
    from loket.codes import CodeWrongDay as CodeWrongDay
    from loket.codes import ShortCodeTypo as ShortCodeTypo


def __getattr__(name: str) -> Any:
    if name not in _CODE_ERRORS:
        raise AttributeError(f"module 'loket.errors' has no attribute {name!r}")
    value = getattr(importlib.import_module("loket.codes"), name)
    globals()[name] = value
    return value
