"""Keep memory SQLite frees for its next statement (Linux, GNU C library).

Every statement with a temporary table (a materialised CTE, an ORDER BY, a window)
makes SQLite allocate a page cache for it, about 90 KB, and free it when the statement
ends. glibc then hands the freed top of the heap back to the operating system as soon
as more than 128 KB is free there, so the next statement gets fresh pages from the
kernel and takes a page fault for each one. A counter's "call next" runs such a
statement inside SQLite's one write lock: with 20 counters on one file the kernel time
for those page faults was a third of the time the lock was held
(``benchmarks/live.py``; the measurement is in docs/architecture.md).

Raising glibc's trim threshold keeps up to ``KEEP_BYTES`` of freed memory in the
process for the next allocation: a few megabytes per PC, never returned while the
program runs. Nothing changes elsewhere (Windows, macOS, musl): their allocators have
no such threshold or do not trim this way.
"""

from __future__ import annotations

import ctypes
import platform
import sys

KEEP_BYTES = 4 * 1024 * 1024
_M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>

_done = False


def kept() -> bool:
    """Whether this process keeps freed memory (``keep_freed_memory`` succeeded)."""
    return _done


def keep_freed_memory() -> bool:
    """Raise the trim threshold once per process; True when glibc accepted it."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    _done = mallopt(_M_TRIM_THRESHOLD, KEEP_BYTES) == 1
    return _done


__all__ = ["KEEP_BYTES", "keep_freed_memory", "kept"]
