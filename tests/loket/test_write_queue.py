"""SQLite writers take turns through an OS lock (loket.write_queue): a waiting writer
gets its turn the moment the holder is done, a write inside a write does not wait for
itself, and a turn that does not come in time is given up instead of hanging."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path

import pytest

from loket import write_queue
from loket.db import Database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no fcntl on Windows")


def test_a_waiting_writer_gets_its_turn_as_soon_as_the_holder_is_done(tmp_path: Path) -> None:
    queue = write_queue.WriterQueue(str(tmp_path / "db-writers"))
    other = write_queue.WriterQueue(str(tmp_path / "db-writers"))  # another process's
    order: list[str] = []
    released_at: list[float] = []
    got_at: list[float] = []
    holding = threading.Event()

    def holder() -> None:
        with queue.turn():
            holding.set()
            order.append("holder in")
            time.sleep(0.3)
            order.append("holder out")
            released_at.append(time.monotonic())

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    with other.turn():
        got_at.append(time.monotonic())
        order.append("waiter in")
    thread.join(5)
    assert order == ["holder in", "holder out", "waiter in"]
    # Woken by the kernel, not by a back-off that sleeps up to 100 ms between tries.
    assert got_at[0] - released_at[0] < 0.05


def test_a_write_inside_a_write_does_not_wait_for_itself(tmp_path: Path) -> None:
    queue = write_queue.WriterQueue(str(tmp_path / "db-writers"), timeout=5)
    started = time.monotonic()
    with queue.turn(), queue.turn():
        pass
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_a_turn_that_does_not_come_is_given_up_after_the_timeout(
    tmp_path: Path, where: str
) -> None:
    """The main thread's own wait is ended by a timer signal, another thread's by its
    helper giving up: either way the writer goes on after the timeout."""
    queue = write_queue.WriterQueue(str(tmp_path / "db-writers"))
    impatient = write_queue.WriterQueue(str(tmp_path / "db-writers"), timeout=0.2)
    later = write_queue.WriterQueue(str(tmp_path / "db-writers"), timeout=5)
    release = threading.Event()
    holding = threading.Event()

    def holder() -> None:
        with queue.turn():
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    waited: list[float] = []

    def impatient_writer() -> None:
        started = time.monotonic()
        with impatient.turn():  # goes on without the turn (SQLite's own lock decides)
            waited.append(time.monotonic() - started)

    if where == "main thread":
        impatient_writer()
    else:
        other = threading.Thread(target=impatient_writer)
        other.start()
        other.join(5)
    assert len(waited) == 1 and 0.15 < waited[0] < 2
    time.sleep(0.3)  # no alarm is left to ring in the main thread afterwards
    release.set()
    thread.join(5)
    # The given-up wait let go of the lock when it came: the next writer is not stuck.
    started = time.monotonic()
    with later.turn():
        pass
    assert time.monotonic() - started < 1


def test_only_sqlite_files_take_turns(tmp_path: Path) -> None:
    assert write_queue.for_sqlite_url(f"sqlite:///{tmp_path}/loket.db") is not None
    assert write_queue.for_sqlite_url("sqlite://") is None
    assert write_queue.for_sqlite_url("sqlite:///:memory:") is None
    assert write_queue.for_sqlite_url("postgresql+psycopg://loket@db/loket") is None
    db = Database(f"sqlite:///{tmp_path}/loket.db")
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert (tmp_path / "loket.db-writers").exists()
    finally:
        db.dispose()


def test_two_databases_on_one_file_in_one_process_share_the_turn(tmp_path: Path) -> None:
    """A write through one Database inside a write through another on the same file
    (same thread, the outer one has not written yet) goes on at once instead of
    waiting for its own turn."""
    url = f"sqlite:///{tmp_path}/loket.db"
    first, second = Database(url), Database(url)
    try:
        assert write_queue.for_sqlite_url(url) is write_queue.for_sqlite_url(url)
        started = time.monotonic()
        with first.write(), second.write() as inner:
            inner.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert time.monotonic() - started < 1
    finally:
        first.dispose()
        second.dispose()


def test_a_clerks_commit_is_on_disk_before_it_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk's transactions commit without flushing inside the writer turn and flush
    the write-ahead log after it (``loket.db._sync``): the flush of that very file has
    happened by the time ``driver_write`` returns, and the connection flushes at every
    commit again for whoever uses it next."""
    import os

    url = f"sqlite:///{tmp_path}/loket.db"
    db = Database(url)
    flushed: list[str] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with db.driver_write() as write:
            write.conn.execute("INSERT INTO t VALUES (1)")
            assert flushed == []  # not inside the turn
        assert flushed == [str(tmp_path / "loket.db-wal")]
        assert write.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT x FROM t").scalar() == 1
    finally:
        db.dispose()


def test_a_failed_clerks_transaction_leaves_nothing_and_flushes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    db = Database(f"sqlite:///{tmp_path}/loket.db")
    flushed: list[int] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        flushed.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with pytest.raises(RuntimeError), db.driver_write() as write:
            write.conn.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("refused")
        assert flushed == []
        assert write.conn.execute("PRAGMA synchronous").fetchone() == (2,)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM t").scalar() == 0
    finally:
        db.dispose()


def test_the_clerks_connection_is_kept_between_transactions_unless_it_failed(
    tmp_path: Path,
) -> None:
    """The fast path keeps its connection for the next transaction, also after a step
    the caller refused; after a database error it takes a fresh one, which works; and
    ``dispose`` closes the kept ones."""
    import sqlite3

    from loket.errors import Unavailable

    db = Database(f"sqlite:///{tmp_path}/loket.db")
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with db.driver_write() as write:
            write.conn.execute("INSERT INTO t VALUES (1)")
        first = write.conn
        with pytest.raises(RuntimeError), db.driver_write() as write:
            assert write.conn is first
            raise RuntimeError("refused")
        with pytest.raises(Unavailable), db.driver_write() as write:
            assert write.conn is first
            write.conn.execute("INSERT INTO missing VALUES (1)")
        with db.driver_write() as write:
            assert write.conn is not first
            write.conn.execute("INSERT INTO t VALUES (2)")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM t").scalar() == 2
        kept = write.conn
    finally:
        db.dispose()
    with pytest.raises(sqlite3.ProgrammingError):
        kept.execute("SELECT 1")


def _lock_files_open(path: Path) -> int:
    import os

    fds = os.listdir("/proc/self/fd")
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == str(path)
    return count


def test_a_writer_waits_through_one_helper_and_lets_go_of_it_when_it_ends(tmp_path: Path) -> None:
    """One helper thread per waiting writer thread, kept for its next waits (a thread
    started per wait cost a third of the throughput); when the writer thread ends, its
    helper stops and the lock file is closed."""
    import gc

    path = tmp_path / "db-writers"
    holder_queue = write_queue.WriterQueue(str(path))
    waiter_queue = write_queue.WriterQueue(str(path))  # another process's

    def helpers() -> int:
        return sum(t.name == "loket-writer-turn" for t in threading.enumerate())

    def contended_turns() -> None:
        for _ in range(5):
            holding, release = threading.Event(), threading.Event()

            def hold(holding: threading.Event, release: threading.Event) -> None:
                with holder_queue.turn():
                    holding.set()
                    release.wait(5)

            thread = threading.Thread(target=hold, args=(holding, release))
            thread.start()
            holding.wait(5)
            threading.Timer(0.02, release.set).start()
            with waiter_queue.turn():
                pass
            thread.join(5)
        during.append(helpers())

    during: list[int] = []
    before = helpers()
    writer = threading.Thread(target=contended_turns)
    writer.start()
    writer.join(10)
    # The holder threads never waited (no helper); the writer waited five times.
    assert during == [before + 1]
    gc.collect()
    deadline = time.monotonic() + 5
    while (helpers() > before or _lock_files_open(path)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert helpers() == before
    assert _lock_files_open(path) == 0
