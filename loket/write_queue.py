"""SQLite's writers take turns through a lock of the operating system.

SQLite lets one transaction write at a time. A writer that finds the database busy
sleeps and tries again, longer each time (up to 100 ms a try); when the holder
commits, nobody may be awake to take the turn, and an unlucky writer can lose many
rounds in a row. With 20 counter processes on one PC a "call next" then waited seconds
(``benchmarks/live.py``: p99 2-3 s) while the median was 40 ms.

Here every write transaction of a ``loket.db.Database`` on a SQLite file first takes an
exclusive ``flock`` on a small file beside the database (``<file>-writers``). A writer
waiting for it sleeps in the kernel and is woken the moment the holder is done: no
idle database between two writers, no writer starved by its own back-off. SQLite's own
lock stays the guarantee; this only orders who asks for it.

Nothing changes where the lock cannot be taken: on Windows (no ``fcntl``), for an
in-memory database, when the lock file cannot be opened, for a thread that already
holds its turn (a write inside a write), or after waiting ``timeout`` seconds (the
transaction then waits on SQLite's own lock as before, and SQLite's busy timeout
decides).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["WriterQueue", "for_sqlite_url"]


class WriterQueue:
    """Turns for the write transactions of every process using one SQLite file."""

    def __init__(self, path: str, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._held = threading.local()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the duration of the block (see the module's docstring)."""
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        fd = self._take()
        self._held.depth = 1
        try:
            yield
        finally:
            self._held.depth = 0
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def _take(self) -> int | None:
        """The lock file's descriptor, locked; None when this turn goes without."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        except OSError:
            os.close(fd)
            return None
        # Busy: wait in the kernel, in a helper thread so the wait can end after
        # ``timeout``. Whoever gives up last closes the descriptor (which also lets go
        # of the lock): the helper when this thread stopped waiting, else this thread.
        decided = threading.Lock()
        got = threading.Event()
        outcome = {"locked": False, "abandoned": False}

        def wait() -> None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                locked = True
            except OSError:
                locked = False
            with decided:
                if outcome["abandoned"]:
                    os.close(fd)
                    return
                outcome["locked"] = locked
                got.set()

        threading.Thread(target=wait, name="loket-writer-turn", daemon=True).start()
        got.wait(self.timeout)
        with decided:
            if not got.is_set():
                outcome["abandoned"] = True
                return None
        if outcome["locked"]:
            return fd
        os.close(fd)
        return None


_QUEUES: dict[str, WriterQueue] = {}
_QUEUES_LOCK = threading.Lock()


def for_sqlite_url(url: str) -> WriterQueue | None:
    """The queue for a SQLite database URL, one per file in this process (so a write
    inside a write through another ``Database`` on the same file does not wait for
    itself); None where there is none to take."""
    if fcntl is None or not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    if not path or path.startswith(":memory:") or path.startswith("file:") or "?" in path:
        return None
    key = os.path.abspath(path)
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(key, WriterQueue(f"{key}-writers"))
