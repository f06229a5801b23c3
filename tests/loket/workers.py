"""Child processes for the concurrency, durability and live benchmarks.

Run as ``python -m tests.loket.workers MODE --url URL ...`` from the repository root.
Each worker is a real OS process with its own engine and connections, like a kiosk or
counter PC. It reports on stdout, one JSON object per line, flushed at once: a line is
printed only after the transaction it describes has committed, so the parent knows
exactly what a worker claims is durable when it kills it.

Barrier: a worker first prints ``{"ready": ...}`` and then waits until the file given
with ``--start-file`` exists, so all workers begin at (almost) the same moment instead
of one after another as they finish importing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from loket import tickets
from loket.clock import Clock
from loket.db import Database
from loket.errors import IllegalTransition
from loket.events import Actor
from loket.feed import open_feed
from loket.services import Loket
from loket.tickets import Context

DEFAULT_NOW = "2026-11-24T09:00"
ROOT = Path(__file__).resolve().parents[2]


# -- parent side ------------------------------------------------------------------------


class Worker:
    """A worker process whose JSON lines are collected by a thread as they come.

    Reading in a thread keeps the pipe drained (a full pipe would block the child in
    the middle of its loop) and lets the parent see each committed line at once.
    """

    def __init__(self, mode: str, url: str, *args: str) -> None:
        self.lines: list[dict[str, Any]] = []
        self._seen = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.loket.workers", mode, "--url", url, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(json.loads(line))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, key: str, timeout: float = 30.0) -> dict[str, Any]:
        """The first line carrying ``key``; fails if the worker died or took too long."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if key in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (not self._reader.is_alive() and self.proc.poll() is not None):
                    raise RuntimeError(f"worker gave no {key!r}: {self.stderr_text()}")
                self._seen.wait(min(left, 0.2))

    def values(self, key: str) -> list[Any]:
        with self._seen:
            return [line[key] for line in self.lines if key in line]

    def finish(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL on POSIX: no cleanup, no atexit, no rollback
        self.proc.wait(10)
        self._reader.join(5)

    def stderr_text(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        return self.proc.stderr.read()


def ready_timeout(base: float = 30.0) -> float:
    """How long starting workers may take to import and connect on this machine: the
    base, scaled by how many runnable processes share each core (a loaded 2-core machine
    took over 60 s for 20 workers). ``LOKET_READY_TIMEOUT`` overrides it."""
    if os.environ.get("LOKET_READY_TIMEOUT"):
        return float(os.environ["LOKET_READY_TIMEOUT"])
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return base * max(1.0, load / cores) + 2.0


def wait_ready(workers: Sequence[Worker], timeout: float | None = None) -> None:
    """Every worker has printed "ready"; else a clear error saying how many and why."""
    limit = ready_timeout() if timeout is None else timeout
    started = time.monotonic()
    deadline = started + limit
    for w in workers:
        try:
            w.wait_for("ready", timeout=max(0.1, deadline - time.monotonic()))
        except RuntimeError as exc:
            ready = sum(1 for x in workers if x.values("ready"))
            waited = time.monotonic() - started
            cause = (
                f"set LOKET_READY_TIMEOUT to allow more than {limit:.0f} s"
                if waited >= limit
                else "a worker stopped"
            )
            raise RuntimeError(
                f"only {ready} of {len(workers)} workers were ready after {waited:.0f} s "
                f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); {cause}. "
                f"First failure: {exc}"
            ) from exc


def run_together(workers: Sequence[Worker], start_file: Path, timeout: float = 120.0) -> float:
    """Release workers waiting at the barrier at once; returns the moment (monotonic)."""
    try:
        wait_ready(workers)
        began = time.monotonic()
        start_file.touch()
        for w in workers:
            code = w.finish(timeout)
            if code != 0:
                raise RuntimeError(f"worker exited with {code}: {w.stderr_text()}")
    except BaseException:
        # A failed run must not leave workers waiting at the barrier (they poll it every
        # millisecond, and loaded this machine for an hour once).
        for w in workers:
            if w.proc.poll() is None:
                w.kill()
        raise
    return began


# -- child side -------------------------------------------------------------------------


def emit(**record: Any) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def wait_for_start(start_file: str | None, **ready: Any) -> None:
    emit(ready=True, pid=os.getpid(), **ready)
    if not start_file:
        return
    path = Path(start_file)
    while not path.exists():
        # 1 ms: short enough that the start spreads over ~1 ms, long enough not to
        # starve the other workers on a 2-core machine.
        time.sleep(0.001)


WARM_UP_CALLS = 12


def warm_up(call: Callable[[datetime], object], now: datetime) -> None:
    """Call next on the day before, when nobody waits, a dozen times: a counter PC in
    daily use has run its statements before, so PostgreSQL has planned them once for
    all (a prepared statement gets its lasting plan after five runs) and the measured
    calls are the steady state, for Loket and the raw reference alike."""
    yesterday = now - timedelta(days=1)
    for _ in range(WARM_UP_CALLS):
        if call(yesterday) is not None:
            raise SystemExit("warm-up found a ticket on the day before")


def fast_call(loket: Loket, branch: str, counter: int) -> Callable[[datetime], object]:
    """Loket's own "call next" statements at another moment, without the engine's
    answer to "nobody waits" (which a warm-up does not need)."""
    from loket import call_next_pg, clerk_sqlite

    fast = clerk_sqlite if loket.db.is_sqlite else call_next_pg

    def call(when: datetime) -> object:
        called = fast.call_next(loket.db, Context(now=when, actor=loket.actor), branch, counter)
        return called[0] if called is not None else None

    return call


def make_loket(args: argparse.Namespace) -> Loket:
    clock = Clock(datetime.fromisoformat(args.now), frozen=True)
    return Loket(Database(args.url), clock, Actor.system(f"worker-{os.getpid()}"))


def run_issue(args: argparse.Namespace) -> None:
    """Issue ``--count`` tickets, cycling through ``--service`` codes."""
    loket = make_loket(args)
    services = args.service or ["paspoort"]
    wait_for_start(args.start_file)
    for i in range(args.count):
        view = loket.issue_ticket(args.branch, services[i % len(services)])
        emit(issued=view.number, id=view.id)
    emit(done=args.count)


def run_serve(args: argparse.Namespace) -> None:
    """Call next (then start and finish) at one counter until nobody is waiting.

    Several workers may share a counter: a worker that finds its counter busy (the other
    one holds a ticket) waits a moment and tries again, like a second clerk at one desk.
    """
    loket = make_loket(args)
    # A clerk's window shows the counter's overview from login on: its connection and
    # the configuration are there before the first call, as the raw cycle's are.
    loket.counter_overview(args.branch, args.counter)
    if args.warm:
        warm_up(fast_call(loket, args.branch, args.counter), datetime.fromisoformat(args.now))
    wait_for_start(args.start_file)
    served = 0
    first = time.monotonic()
    while True:
        t0 = time.monotonic()
        try:
            view = loket.call_next(args.branch, args.counter)
        except IllegalTransition:
            time.sleep(0.002)
            continue
        t1 = time.monotonic()
        if view is None:
            break
        if not args.call_only:
            loket.start(args.branch, view.number)
            loket.finish(args.branch, view.number)
        served += 1
        emit(
            called=view.number, id=view.id, counter=args.counter, t0=t0, t1=t1, t2=time.monotonic()
        )
    emit(done=served, first=first, last=time.monotonic())


def run_raw(args: argparse.Namespace) -> None:
    """``run_serve`` with the raw-SQL reference cycle (tests/loket/raw_cycle.py)."""
    from tests.loket.raw_cycle import RawCycle

    now = datetime.fromisoformat(args.now)
    cycle = RawCycle(args.url, args.branch, args.counter)
    if args.warm:
        warm_up(cycle.call, datetime.fromisoformat(args.now))
    wait_for_start(args.start_file)
    served = 0
    first = time.monotonic()
    while True:
        t0 = time.monotonic()
        called = cycle.call(now)
        t1 = time.monotonic()
        if called is None:
            break
        cycle.start(called[0], now)
        cycle.finish(called[0], now)
        served += 1
        emit(
            called=called[1], id=called[0], counter=args.counter, t0=t0, t1=t1, t2=time.monotonic()
        )
    cycle.close()
    emit(done=served, first=first, last=time.monotonic())


def run_hold(args: argparse.Namespace) -> None:
    """Insert a ticket (with its event) in a write transaction, then never commit.

    The parent kills this process while the transaction is open: the ticket, its
    event and the drawn number must all be gone afterwards.
    """
    clock = Clock(datetime.fromisoformat(args.now), frozen=True)
    db = Database(args.url)
    ctx = Context(now=clock.now(), actor=Actor.system(f"hold-{os.getpid()}"))
    with db.write() as session:
        branch = tickets.get_branch(session, args.branch)
        service = tickets.get_service(session, (args.service or ["paspoort"])[0])
        ticket = tickets.issue_walk_in(session, ctx, branch, service)
        session.flush()
        emit(pending=ticket.number, id=ticket.id)
        time.sleep(300)
    emit(error="committed although it should have been killed")


def run_listen(args: argparse.Namespace) -> None:
    """Print every event the feed delivers, with the moment it arrived here."""
    feed = open_feed(args.url, last_id=args.last_id)
    stop = Path(args.stop_file) if args.stop_file else None
    emit(ready=True, pid=os.getpid(), last_id=feed.last_id)
    try:
        while stop is None or not stop.exists():
            for record in feed.wait(0.2):
                emit(
                    event=record["id"],
                    kind=record["kind"],
                    ticket=record["ticket_id"],
                    t=time.monotonic(),
                )
    finally:
        feed.close()


MODES = {
    "issue": run_issue,
    "serve": run_serve,
    "raw": run_raw,
    "hold": run_hold,
    "listen": run_listen,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("--url", required=True)
    ap.add_argument("--branch", default="dalfsen")
    ap.add_argument("--service", action="append", help="service code; repeat to alternate")
    ap.add_argument("--counter", type=int, default=1)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--call-only", action="store_true", help="serve: no start/finish")
    ap.add_argument("--warm", action="store_true", help="serve, raw: call on the day before first")
    ap.add_argument("--start-file")
    ap.add_argument("--stop-file")
    ap.add_argument("--last-id", type=int)
    ap.add_argument("--now", default=DEFAULT_NOW, help="frozen local time (ISO)")
    args = ap.parse_args(argv)
    MODES[args.mode](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
