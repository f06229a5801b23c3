"""The ``loket`` program: the core's commands plus the ones that open windows."""

from __future__ import annotations

from collections.abc import Sequence

from loket import cli

# The command modules this program adds to the core's (``loket.cli``).
COMMANDS_WITH_WINDOWS = ("roles.commands",)


def _show(message: str) -> None:
    try:  # a server without Qt: stderr and the log have the message
        from roles.messages import show_in_window
    except ImportError:
        return
    show_in_window(message)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extra=COMMANDS_WITH_WINDOWS, show=_show)
