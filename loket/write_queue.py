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

A kernel wait has no time limit of its own, and a writer frozen inside its transaction
must not freeze every counter with it. The main thread (a PC's window, a worker) waits
in the kernel itself, and a timer signal ends a wait that takes longer than ``timeout``
(as ``flock -w`` does): woken by the holder's release, it goes on at once. Other
threads cannot be interrupted that way (Python runs signal handlers in the main thread
only): their wait runs in a helper thread that stays with its writer thread (one
descriptor of the lock file and one helper per thread that ever waited), and the writer
waits for the helper's word at most ``timeout`` seconds. The helper's word is a second
wake-up per turn: with 20 counter processes on one file the main thread's own wait
served a fifth more cycles per second; a helper started per wait cost a third.

Nothing changes where the lock cannot be taken: on Windows (no ``fcntl``), for an
in-memory database, when the lock file cannot be opened, for a thread that already
holds its turn (a write inside a write), or after waiting ``timeout`` seconds (the
transaction then waits on SQLite's own lock as before, and SQLite's busy timeout
decides).
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["WriterQueue", "for_sqlite_url"]


class _Wait:
    """What a writer thread and its helper share: the lock file's descriptor (flock
    belongs to an open file, so each writer thread has its own) and the helper's word."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.asks: queue.SimpleQueue[bool] = queue.SimpleQueue()  # False: stop
        self.answered = threading.Lock()
        self.answered.acquire()
        self.deciding = threading.Lock()
        self.locked = False
        self.abandoned = False
        self.helper: threading.Thread | None = None

    def help(self) -> None:
        """The helper thread: take the lock each time the writer asks."""
        while self.asks.get():
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX)
                locked = True
            except OSError:
                locked = False
            with self.deciding:
                if self.abandoned:  # the writer went on without it: let go, and stop
                    os.close(self.fd)
                    return
                self.locked = locked
                self.answered.release()
        os.close(self.fd)

    def retire(self) -> None:
        """The writer thread is gone: close the descriptor (through the helper, if any,
        so it is not closed under a wait)."""
        with self.deciding:
            if self.abandoned:
                return
            if self.helper is None:
                os.close(self.fd)
            else:
                self.asks.put(False)


class _TurnTimeout(Exception):
    """The main thread's wait for the lock took longer than its time limit."""


_MAIN_WAITING = threading.Event()  # set while the main thread waits with the alarm set


def _on_alarm(_signum: int, _frame: object) -> None:
    if _MAIN_WAITING.is_set():
        raise _TurnTimeout


def _alarm_usable() -> bool:
    """The main thread may time its wait with SIGALRM: nobody else uses the signal or
    the timer (the handler, once set, stays: a late alarm is then ignored instead of
    ending the process)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler is not _on_alarm:
        if handler is not signal.SIG_DFL:
            return False
        signal.signal(signal.SIGALRM, _on_alarm)
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


def _wait_with_alarm(fd: int, timeout: float) -> bool:
    """Wait for the lock in the main thread; False (and the lock let go of, should the
    alarm have rung just as it came) after ``timeout`` seconds."""
    # Every point where the handler can raise lies inside the ``try``: once it has
    # raised, the one-shot timer has rung and no other alarm follows.
    try:
        _MAIN_WAITING.set()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        fcntl.flock(fd, fcntl.LOCK_EX)
        signal.setitimer(signal.ITIMER_REAL, 0)
        _MAIN_WAITING.clear()
        return True
    except _TurnTimeout:
        pass
    except BaseException:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _MAIN_WAITING.clear()
        raise
    _MAIN_WAITING.clear()
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


class _Writer:
    """One writer thread's side of the lock file."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.wait = _Wait(os.open(path, os.O_RDONLY | os.O_CREAT, 0o644))
        weakref.finalize(self, self.wait.retire)

    def take(self, timeout: float) -> bool:
        """True with the lock held; False when the wait was given up (this writer's
        descriptor then belongs to its helper, and the writer is not used again)."""
        wait = self.wait
        try:
            fcntl.flock(wait.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        except OSError:
            return False
        if _alarm_usable():
            try:
                return _wait_with_alarm(wait.fd, timeout)
            except OSError:
                return False
        if wait.helper is None:
            wait.helper = threading.Thread(target=wait.help, name="loket-writer-turn", daemon=True)
            wait.helper.start()
        wait.asks.put(True)
        if not wait.answered.acquire(timeout=timeout):
            with wait.deciding:
                if not wait.answered.acquire(blocking=False):
                    wait.abandoned = True
                    return False
        return wait.locked

    def release(self) -> None:
        fcntl.flock(self.wait.fd, fcntl.LOCK_UN)


class WriterQueue:
    """Turns for the write transactions of every process using one SQLite file."""

    def __init__(self, path: str, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._held = threading.local()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the duration of the block (see the module's docstring)."""
        held = self._held
        if getattr(held, "depth", 0):
            held.depth += 1
            try:
                yield
            finally:
                held.depth -= 1
            return
        writer = self._writer()
        locked = writer is not None and writer.take(self.timeout)
        if writer is not None and not locked:
            held.writer = None  # given up or refused: a fresh descriptor next time
        held.depth = 1
        try:
            yield
        finally:
            held.depth = 0
            if locked:
                assert writer is not None
                writer.release()

    def _writer(self) -> _Writer | None:
        """This thread's writer (a new one in a forked child: the parent's descriptor
        shares the parent's lock)."""
        writer: _Writer | None = getattr(self._held, "writer", None)
        if writer is None or writer.pid != os.getpid():
            try:
                writer = _Writer(self.path)
            except OSError:
                return None
            self._held.writer = writer
        return writer


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
