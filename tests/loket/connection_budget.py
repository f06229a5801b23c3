"""Many PCs of every role on one PostgreSQL through PgBouncer, each PC a lightweight
client (a thread with its own connection), all working at once.

Used by ``tests/loket/test_connection_budget.py`` (a small server, ``max_connections``
lowered) and ``benchmarks/connections.py`` (the issue's figure: 50 displays, 40
counters, 10 kiosks and 5 reception PCs on ``max_connections = 100``). No pytest in here.

- display: the feed (LISTEN on the session-pooled alias) and, after events about the
  queue (at most four times a second), the display's state read over that same
  connection, as ``kiosk.display_window`` does; it records every call it is told of.
- kiosk: issues numbers; reception: issues numbers and reads the live queue.
- counter: call next, start, finish until everything issued is served.

Every action must succeed; every display must hear of every call.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.feed import open_feed
from loket.services import Loket
from tests.rigs.pgbouncer import start_pgbouncer
from tests.rigs.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
BRANCH = "hal"
SERVICES = ("melding", "levering")


def budget_config(counters: int, target: Path) -> Path:
    """benchmarks/live.toml (one branch open all day) with ``counters`` counters."""
    text = (ROOT / "benchmarks" / "live.toml").read_text()
    text = re.split(r"\n\[\[counters\]\]", text, maxsplit=1)[0].rstrip() + "\n"
    for number in range(1, counters + 1):
        text += (
            f'\n[[counters]]\nbranch = "{BRANCH}"\nnumber = {number}\n'
            'services = ["melding", "levering"]\n'
        )
    target.write_text(text)
    return target


def configure(url: str, counters: int, work_dir: Path) -> None:
    """The demo municipality's schema plus the budget's branch and counters."""
    from tests.conftest import _configure

    _configure(url)
    loket = Loket(Database(url), Clock(), Actor.system("setup"))
    try:
        loket.apply_config(budget_config(counters, work_dir / "budget.toml"))
    finally:
        loket.db.dispose()


@dataclass(frozen=True)
class Budget:
    displays: int
    counters: int
    kiosks: int
    receptions: int
    tickets_per_kiosk: int = 4
    tickets_per_reception: int = 2

    @property
    def pcs(self) -> int:
        return self.displays + self.counters + self.kiosks + self.receptions

    @property
    def tickets(self) -> int:
        return self.kiosks * self.tickets_per_kiosk + self.receptions * self.tickets_per_reception


@dataclass
class Outcome:
    errors: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    heard: dict[str, set[str]] = field(default_factory=dict)  # display -> calls it heard
    display_reads: Counter[str] = field(default_factory=Counter)
    peak_server_connections: int = 0
    peak_per_role: dict[str, int] = field(default_factory=dict)  # with ``count_roles``
    seconds: float = 0.0
    actions: Counter[str] = field(default_factory=Counter)


def run(
    url: str,
    budget: Budget,
    count_server: Callable[[], int],
    timeout: float = 60,
    count_roles: Callable[[], dict[str, int]] | None = None,
) -> Outcome:
    """Every PC of ``budget`` against ``url`` (a PC's URL: see tests/rigs/pgbouncer.py)
    at once; ``count_server()`` is sampled for the peak of server connections, and
    ``count_roles()`` (straight onto the server: connections by application name) for
    the peak per role."""
    out = Outcome()
    lock = threading.Lock()
    go = threading.Event()
    producers_done = threading.Event()
    displays_stop = threading.Event()
    ready = threading.Semaphore(0)

    def record_error(who: str) -> None:
        with lock:
            out.errors.append(f"{who}: {traceback.format_exc(limit=3)}")

    def services(role: str, name: str, roles: frozenset[str]) -> Loket:
        db = Database(url, application_name=f"loket {role} {name}")
        return Loket(db, Clock(), Actor(name, roles=roles))

    def display(i: int) -> None:
        name = f"display-{i}"
        base = services("display", name, frozenset({"display"}))
        feed = None
        heard: set[str] = set()
        try:
            feed = open_feed(url, None, f"loket display {name}")
            reader = base.reading_through(feed)
            reader.display_state(BRANCH)
            ready.release()
            go.wait()
            last_read = 0.0
            wanted = False
            while not displays_stop.is_set():
                records = feed.wait(0.1)
                for r in records:
                    if r["kind"] == "ticket.called":
                        heard.add(str(r["data"]["number"]))
                wanted = wanted or any(r["kind"].startswith("ticket.") for r in records)
                if wanted and time.monotonic() - last_read >= 0.25:
                    reader.display_state(BRANCH)
                    last_read, wanted = time.monotonic(), False
                    with lock:
                        out.display_reads[name] += 1
            # What is still on its way after the last call (a loaded machine is slow).
            with lock:
                called = set(out.served)
            drain_until = time.monotonic() + 10
            while not called <= heard and time.monotonic() < drain_until:
                for r in feed.wait(0.5):
                    if r["kind"] == "ticket.called":
                        heard.add(str(r["data"]["number"]))
        except Exception:
            record_error(name)
            ready.release()
        finally:
            with lock:
                out.heard[name] = heard
            if feed is not None:
                feed.close()
            base.db.dispose()

    def issuer(role: str, i: int, count: int) -> None:
        name = f"{role}-{i}"
        roles = frozenset({"kiosk"}) if role == "kiosk" else frozenset({"reception"})
        loket = services(role, name, roles)
        if role == "reception":
            loket = loket.as_actor(Actor.system(name))
        try:
            loket.branch_status(BRANCH)  # what its start screen reads
            ready.release()
            go.wait()
            for n in range(count):
                ticket = loket.issue_ticket(BRANCH, SERVICES[(i + n) % 2])
                with lock:
                    out.issued.append(ticket.number)
                    out.actions[f"{role} issue"] += 1
                if role == "reception":
                    loket.snapshot(BRANCH)
                    with lock:
                        out.actions["reception snapshot"] += 1
                time.sleep(0.05)
        except Exception:
            record_error(name)
            ready.release()
        finally:
            loket.db.dispose()

    def counter(number: int) -> None:
        name = f"balie-{number}"
        loket = services("counter", name, frozenset({"counter"}))
        try:
            loket.counter_numbers(BRANCH)
            ready.release()
            go.wait()
            idle_since: float | None = None
            while True:
                called = loket.call_next(BRANCH, number)
                if called is None:
                    if producers_done.is_set():
                        idle_since = idle_since or time.monotonic()
                        if time.monotonic() - idle_since > 1.0:
                            return
                    time.sleep(0.05)
                    continue
                idle_since = None
                loket.start(BRANCH, called.number)
                loket.finish(BRANCH, called.number)
                with lock:
                    out.served.append(called.number)
                    out.actions["counter cycle"] += 1
        except Exception:
            record_error(name)
            ready.release()
        finally:
            loket.db.dispose()

    threads = [threading.Thread(target=display, args=(i,)) for i in range(budget.displays)]
    producers = [
        threading.Thread(target=issuer, args=("kiosk", i, budget.tickets_per_kiosk))
        for i in range(budget.kiosks)
    ] + [
        threading.Thread(target=issuer, args=("reception", i, budget.tickets_per_reception))
        for i in range(budget.receptions)
    ]
    counters = [threading.Thread(target=counter, args=(n,)) for n in range(1, budget.counters + 1)]
    everyone = threads + producers + counters
    started = time.monotonic()
    for t in everyone:
        t.daemon = True
        t.start()
    for _ in everyone:  # every PC connected and has read its first screen
        if not ready.acquire(timeout=timeout):
            break
    peak = count_server()
    go.set()
    deadline = started + timeout
    sampling = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not sampling.is_set():
            with contextlib.suppress(psycopg.Error):
                peak = max(peak, count_server())
                for role, n in (count_roles() if count_roles else {}).items():
                    out.peak_per_role[role] = max(out.peak_per_role.get(role, 0), n)
            sampling.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for t in producers:
        t.join(max(0.1, deadline - time.monotonic()))
    producers_done.set()
    for t in counters:
        t.join(max(0.1, deadline - time.monotonic()))
    displays_stop.set()
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic()))
    sampling.set()
    sampler.join(2)
    out.seconds = time.monotonic() - started
    out.peak_server_connections = peak
    if any(t.is_alive() for t in everyone):
        out.errors.append(f"not finished within {timeout:.0f} s")
    return out


def run_through_pgbouncer(
    server: PostgresServer,
    work_dir: Path,
    budget: Budget,
    *,
    engine_pool: int,
    feed_pool: int,
    timeout: float,
) -> Outcome:
    """The production set-up: the engines share ``engine_pool`` server connections in
    transaction pooling, the feeds a session-pooled alias; every PC of ``budget`` at once."""
    bouncer = start_pgbouncer(
        server,
        work_dir / "bouncer",
        pool_mode="transaction",
        default_pool_size=engine_pool,
        max_client_conn=budget.pcs + 50,
    )
    try:
        bouncer.add_alias("loket_feed", "loket", pool_mode="session", pool_size=feed_pool)
        return run(
            bouncer.pc_url("loket", "loket_feed"),
            budget,
            lambda: bouncer.server_connections("loket"),
            timeout=timeout,
        )
    finally:
        bouncer.stop()


def connections_by_role(conninfo: str, database: str) -> dict[str, int]:
    """Connections to ``database`` per role, by the application name each PC gives its
    connections (``loket <role> <pc>``)."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT split_part(application_name, ' ', 2), count(*) FROM pg_stat_activity"
            " WHERE datname = %s AND application_name LIKE 'loket %%' GROUP BY 1",
            (database,),
        ).fetchall()
    return {str(role): int(str(n)) for role, n in rows}


def direct_connections_until_refused(conninfo: str, attempts: int) -> tuple[int, str]:
    """Open up to ``attempts`` connections straight to the server: how many it took before
    refusing, and its message (empty if it took them all)."""
    held: list[psycopg.Connection[tuple[object, ...]]] = []
    try:
        for _ in range(attempts):
            try:
                held.append(psycopg.connect(conninfo, connect_timeout=5))
            except psycopg.OperationalError as exc:
                return len(held), str(exc).strip().splitlines()[-1]
        return len(held), ""
    finally:
        for conn in held:
            conn.close()
