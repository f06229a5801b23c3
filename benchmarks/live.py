"""Benchmark: live feed latency and concurrent call-next throughput, PostgreSQL and SQLite.

    python benchmarks/live.py [--quick] [--counters 20] [--out benchmarks/results/live.json]

Every client is a real OS process (``tests.loket.workers``), as on the town hall's PCs.

* latency: a "call next" in this process until its ``ticket.called`` event arrives
  through the EventFeed in another process (p50/p95/p99 in ms). Measured from the
  moment the call starts, so it includes the call's own transaction: what a visitor
  sees between the clerk's click and the waiting-room screen.
* throughput: ``--counters`` counter processes (one per counter of benchmarks/live.toml)
  run call next + start + finish as fast as they can until the queue is empty;
  calls/s = tickets served / wall time from the common start to the last finish.
* anomalies: double calls, tickets skipped (left waiting or never reported), repeated
  or missing numbers, a counter holding two tickets at once; must all be zero.

PostgreSQL: starts a throw-away server (tests/rigs/postgres.py) unless
``LOKET_BENCH_POSTGRES_URL`` names a superuser URL of an existing one. The rig runs
with fsync off (fine for tests); for honest figures this benchmark turns fsync,
full_page_writes and synchronous_commit back on for the server it started.
SQLite: a temporary file, WAL and synchronous=FULL as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from loket.clock import Clock  # noqa: E402
from loket.db import Database  # noqa: E402
from loket.events import Actor  # noqa: E402
from loket.models import Event, NumberSequence, Ticket, TicketStatus  # noqa: E402
from loket.services import Loket  # noqa: E402
from tests.loket.workers import DEFAULT_NOW, Worker, run_together  # noqa: E402

CONFIG = ROOT / "benchmarks" / "live.toml"
BRANCH = "hal"
SERVICES = ("melding", "levering")
ENV_URL = "LOKET_BENCH_POSTGRES_URL"
GOALS = {
    "postgresql": {"p99_ms": 100.0, "calls_per_s": 200.0},
    "sqlite": {"p99_ms": 300.0, "calls_per_s": None},
}


def make_loket(url: str) -> Loket:
    from datetime import datetime

    clock = Clock(datetime.fromisoformat(DEFAULT_NOW), frozen=True)
    return Loket(Database(url), clock, Actor.system("bench"))


def prepare(url: str, tickets: int) -> None:
    """Schema, the benchmark municipality and ``tickets`` waiting walk-ins."""
    loket = make_loket(url)
    try:
        loket.upgrade()
        loket.apply_config(CONFIG)
        for i in range(tickets):
            loket.issue_ticket(BRANCH, SERVICES[i % len(SERVICES)])
    finally:
        loket.db.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# -- latency ---------------------------------------------------------------------------


def measure_latency(url: str, calls: int, work: Path) -> dict[str, Any]:
    prepare(url, calls)
    stop = work / f"stop-{uuid.uuid4().hex}"
    listener = Worker("listen", url, "--stop-file", str(stop))
    listener.wait_for("ready", timeout=60)
    loket = make_loket(url)
    clicked: dict[int, tuple[float, float]] = {}
    rng = random.Random(1)
    try:
        for i in range(calls):
            t0 = time.monotonic()
            view = loket.call_next(BRANCH, 1 + i % 4)
            t1 = time.monotonic()
            assert view is not None
            clicked[view.id] = (t0, t1)
            loket.start(BRANCH, view.number)
            loket.finish(BRANCH, view.number)
            # A pause between calls, as at a real desk: latency, not a backlog, is measured.
            time.sleep(rng.uniform(0.01, 0.03))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            arrived = {
                line["ticket"] for line in listener.lines if line.get("kind") == "ticket.called"
            }
            if arrived >= set(clicked):
                break
            time.sleep(0.05)
    finally:
        stop.touch()
        listener.finish(30)
        loket.db.dispose()
    seen = {
        line["ticket"]: line["t"] for line in listener.lines if line.get("kind") == "ticket.called"
    }
    click_to_seen = [(seen[tid] - t0) * 1000 for tid, (t0, _) in clicked.items() if tid in seen]
    commit_to_seen = [(seen[tid] - t1) * 1000 for tid, (_, t1) in clicked.items() if tid in seen]
    return {
        "calls": calls,
        "delivered": len(click_to_seen),
        "p50_ms": round(percentile(click_to_seen, 50), 1),
        "p95_ms": round(percentile(click_to_seen, 95), 1),
        "p99_ms": round(percentile(click_to_seen, 99), 1),
        "max_ms": round(max(click_to_seen), 1),
        "commit_to_feed_p50_ms": round(percentile(commit_to_seen, 50), 1),
        "commit_to_feed_p99_ms": round(percentile(commit_to_seen, 99), 1),
        "call_p50_ms": round(statistics.median((t1 - t0) * 1000 for t0, t1 in clicked.values()), 1),
    }


# -- throughput --------------------------------------------------------------------------


def anomalies(url: str, reported: list[str], waiting: int) -> dict[str, int]:
    db = Database(url)
    try:
        with db.read() as session:
            tickets = list(session.scalars(select(Ticket)))
            events = list(session.scalars(select(Event).order_by(Event.id)))
            last = {s.prefix: s.last for s in session.scalars(select(NumberSequence))}
    finally:
        db.dispose()
    called = Counter(e.ticket_id for e in events if e.kind == "ticket.called")
    numbers = Counter((t.prefix, t.sequence) for t in tickets)
    missing = 0
    for prefix, high in last.items():
        have = {seq for (p, seq) in numbers if p == prefix}
        missing += len(set(range(1, high + 1)) - have)
    holding: dict[int | None, int | None] = defaultdict(lambda: None)
    two_at_once = 0
    for e in events:
        if e.kind == "ticket.called":
            two_at_once += holding[e.counter_id] is not None
            holding[e.counter_id] = e.ticket_id
        elif e.kind == "ticket.finished":
            holding[e.counter_id] = None
    return {
        "double_calls": sum(n - 1 for n in called.values() if n > 1)
        + sum(n - 1 for n in Counter(reported).values() if n > 1),
        "skipped": sum(t.status is not TicketStatus.DONE for t in tickets)
        + max(0, waiting - len(set(reported))),
        "repeated_numbers": sum(n - 1 for n in numbers.values() if n > 1),
        "missing_numbers": missing,
        "counter_two_at_once": two_at_once,
    }


def measure_throughput(url: str, counters: int, waiting: int, work: Path) -> dict[str, Any]:
    prepare(url, waiting)
    start = work / f"go-{uuid.uuid4().hex}"
    workers = [
        Worker("serve", url, "--branch", BRANCH, "--counter", str(c), "--start-file", str(start))
        for c in range(1, counters + 1)
    ]
    began = run_together(workers, start, timeout=600)
    ended = max(w.wait_for("done")["last"] for w in workers)
    reported = [n for w in workers for n in w.values("called")]
    cycles = [
        (line["t2"] - line["t0"]) * 1000 for w in workers for line in w.lines if "called" in line
    ]
    seconds = ended - began
    return {
        "counters": counters,
        "tickets": waiting,
        "served": len(reported),
        "seconds": round(seconds, 2),
        "calls_per_s": round(len(reported) / seconds, 1),
        "transactions_per_s": round(3 * len(reported) / seconds, 1),
        "cycle_p50_ms": round(percentile(cycles, 50), 1),
        "cycle_p99_ms": round(percentile(cycles, 99), 1),
        "anomalies": anomalies(url, reported, waiting),
    }


# -- databases ---------------------------------------------------------------------------


@contextmanager
def postgres(work: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    from tests.rigs.postgres import start_postgres

    if os.environ.get(ENV_URL):
        os.environ.setdefault("LOKET_TEST_POSTGRES_URL", os.environ[ENV_URL])
    server = start_postgres(work / "pg")
    settings: dict[str, str] = {}
    try:
        with server.connect() as conn:
            if not server.external:
                # The rig trades durability for speed; a benchmark must not.
                for key in ("fsync", "full_page_writes", "synchronous_commit"):
                    conn.execute(f"ALTER SYSTEM SET {key} = on")
                conn.execute("SELECT pg_reload_conf()")
                time.sleep(0.5)
            for key in ("fsync", "synchronous_commit", "full_page_writes", "server_version"):
                row = conn.execute(f"SHOW {key}").fetchone()
                settings[key] = str(row[0]) if row else "?"
        yield server, settings
    finally:
        server.stop()


def pg_database(server: Any) -> str:
    name = f"loket_bench_{uuid.uuid4().hex[:8]}"
    return server.create_database(name)


def sqlite_database(work: Path) -> str:
    path = work / f"live-{uuid.uuid4().hex[:8]}.db"
    return f"sqlite:///{path}"


# -- report ------------------------------------------------------------------------------


def verdict(value: float, goal: float | None, lower_is_better: bool) -> str:
    if goal is None:
        return ""
    ok = value < goal if lower_is_better else value >= goal
    return f"{'OK ' if ok else 'MISS'} (goal {'<' if lower_is_better else '>='} {goal:g})"


def table(results: dict[str, Any]) -> str:
    rows = [
        "backend     | p50 ms | p95 ms | p99 ms | calls/s | anomalies | goals",
        "------------+--------+--------+--------+---------+-----------+------",
    ]
    for backend, r in results.items():
        lat, thr = r["latency"], r["throughput"]
        goals = GOALS[backend]
        bad = sum(thr["anomalies"].values())
        notes = [verdict(lat["p99_ms"], goals["p99_ms"], True)]
        if goals["calls_per_s"] is not None:
            notes.append(verdict(thr["calls_per_s"], goals["calls_per_s"], False))
        notes.append("anomalies OK" if bad == 0 else "anomalies MISS")
        rows.append(
            f"{backend:<11} | {lat['p50_ms']:6.1f} | {lat['p95_ms']:6.1f} | "
            f"{lat['p99_ms']:6.1f} | {thr['calls_per_s']:7.1f} | {bad:9d} | "
            + "; ".join(n for n in notes if n)
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer calls and tickets")
    ap.add_argument("--counters", type=int, default=20)
    ap.add_argument(
        "--backend", choices=["postgresql", "sqlite"], action="append", help="default: both"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "live.json")
    args = ap.parse_args(argv)
    calls = 60 if args.quick else 300
    waiting = 200 if args.quick else 1000
    backends = args.backend or ["postgresql", "sqlite"]
    started = time.perf_counter()
    results: dict[str, Any] = {}
    pg_settings: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as tmp:
        work = Path(tmp)
        if "postgresql" in backends:
            with postgres(work) as (server, pg_settings):
                print(f"PostgreSQL {pg_settings}", flush=True)
                latency = measure_latency(pg_database(server), calls, work)
                print(f"postgresql latency {latency}", flush=True)
                throughput = measure_throughput(pg_database(server), args.counters, waiting, work)
                print(f"postgresql throughput {throughput}", flush=True)
                results["postgresql"] = {"latency": latency, "throughput": throughput}
        if "sqlite" in backends:
            latency = measure_latency(sqlite_database(work), calls, work)
            print(f"sqlite latency {latency}", flush=True)
            throughput = measure_throughput(sqlite_database(work), args.counters, waiting, work)
            print(f"sqlite throughput {throughput}", flush=True)
            results["sqlite"] = {"latency": latency, "throughput": throughput}
    print()
    print(table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": " ".join(["python", "benchmarks/live.py", *(argv or sys.argv[1:])]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "postgresql_settings": pg_settings,
        "sqlite_feed_poll_seconds": 0.05,
        "goals": GOALS,
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    args.out.write_text(json.dumps(payload, indent=2))
    print(f"written {args.out}")
    anomalies_total = sum(sum(r["throughput"]["anomalies"].values()) for r in results.values())
    return 1 if anomalies_total else 0


if __name__ == "__main__":
    sys.exit(main())
