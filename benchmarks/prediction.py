"""Benchmark: the live wait prediction against the simple rule, through the real core.

    python benchmarks/prediction.py [--quick] [--days 3] [--speed-only] [--out FILE]

For every shipped scenario (assets/scenarios/*.toml) three simulated days (``--days``;
one with ``--quick``, its first two hours) are replayed
through ``Loket`` on a SQLite file, with the clock set to each moment (as ``--now``
does on the command line): walk-ins arrive (Poisson, the scenario's forecast for its
first weekday with walk-ins), clerks logged in at their counters call the next ticket
when free, start at once and finish after a lognormal service time at their speed.
At each issue the live prediction (``loket.queue_state.predict_live``: staffed counters
with skills, service-time spread) and the simple rule (tickets ahead for the service
x mean duration / staffed counters serving it) are computed from the same database
state, and compared with the wait the ticket then really had (issue to first call).

Simplifications, said plainly: walk-ins only (no bookings, so a scenario's no-show
rate changes nothing here), nobody walks out, a fixed number of clerks all day (40% of
the scenario's counters less the ones its ``sick`` list names, at least one) with the
scenario's first staff members' skills; the scenario's ``actual_demand_factor`` scales
the walk-ins. The error is mean absolute error in minutes.
A scenario without walk-ins (appointment_only_late) is skipped. A quiet scenario
where few tickets wait at all is decided by those few; hence several days.
Also prints the time of one live prediction (median and p95, ms) over the run, and
(``speed``) the time of one prediction at 200 waiting: wall and CPU time, the reads
and the model apart, and a raw sqlite3 reference for the largest read.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from loket.clock import Clock  # noqa: E402
from loket.db import Database  # noqa: E402
from loket.events import Actor  # noqa: E402
from loket.models import Staff  # noqa: E402
from loket.queue_state import live_state, predict_live  # noqa: E402
from loket.services import Loket  # noqa: E402
from scheduler import dispatch as dispatch_policy  # noqa: E402
from scheduler import prediction  # noqa: E402
from scheduler.scenario import Scenario, load_scenario  # noqa: E402

SCENARIOS = sorted((ROOT / "assets" / "scenarios").glob("*.toml"))
WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONDAY = date(2026, 11, 23)
BRANCH = "hal"


def _code(code: str) -> str:
    return code.lower().replace(" ", "_")


def _clerk_skills(sc: Scenario, k: int) -> dict[str, float]:
    """Services and speeds of clerk ``k``: the scenario's staff in turn (all at 1.0
    when the scenario names none)."""
    spec = sc.staff[k % len(sc.staff)] if sc.staff else None
    skills = {_code(c): v for c, v in (spec.skills if spec else {}).items()}
    return skills or dict.fromkeys((_code(c) for c in sc.services), 1.0)


def _config(sc: Scenario, weekday: str, clerks: int) -> str:
    day = WEEKDAY_KEYS.index(weekday)
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    periods = ", ".join(
        f'{{ from = "{p.start // 60:02d}:{p.start % 60:02d}", '
        f'to = "{p.end // 60:02d}:{p.end % 60:02d}", mode = "{p.mode}" }}'
        for p in sc.hours[weekday]
    )
    lines = [
        "[municipality]",
        'name = "Benchmark"',
        'info_line = { nl = "Benchmark", en = "Benchmark" }',
        f"wait_norm_minutes = {int(sc.target.within_minutes)}",
        "",
        "[[branches]]",
        f'code = "{BRANCH}"',
        'name = "Hal"',
        "[branches.hours]",
        f"{names[day]} = [{periods}]",
    ]
    codes = [_code(c) for c in sc.services]
    for code, svc in sc.services.items():
        lines += [
            "",
            "[[services]]",
            f'code = "{_code(code)}"',
            f'prefix = "{svc.prefix}"',
            f"duration = {max(1, round(svc.mean_minutes))}",
            f'name = {{ nl = "{svc.name}", en = "{svc.name}" }}',
            'bring = { nl = "-", en = "-" }',
            f'branches = ["{BRANCH}"]',
        ]
    for n in range(1, sc.counters + 1):
        lines += [
            "",
            "[[counters]]",
            f'branch = "{BRANCH}"',
            f"number = {n}",
            f"services = {json.dumps(codes)}",
        ]
    for k in range(clerks):
        skills = _clerk_skills(sc, k)
        table = ", ".join(f"{c} = {v}" for c, v in skills.items())
        lines += [
            "",
            "[[staff]]",
            f'code = "clerk{k}"',
            f'name = "Clerk {k}"',
            'roles = ["counter"]',
            f"skills = {{ {table} }}",
        ]
    return "\n".join(lines) + "\n"


def _arrivals(sc: Scenario, weekday: str, rng: random.Random, hours: float | None) -> list:
    # The day as it happens: the scenario's actual demand against the forecast.
    demand = sc.demand(weekday, factor=sc.visitors.actual_demand_factor)
    out = []
    dt = demand.interval_minutes
    for code, row in demand.walk_in.items():
        for i, rate in enumerate(row):
            start = demand.interval_start(i)
            if hours is not None and start >= demand.start + hours * 60:
                continue
            t = 0.0
            while rate > 0:
                t += rng.expovariate(rate / dt)
                if t >= dt:
                    break
                out.append((start + t, _code(code)))
    return sorted(out)


def run_scenario(path: Path, quick: bool, days: int = 1) -> dict[str, Any]:
    """``days`` simulated days of the scenario (different random arrivals and service
    times), every ticket of every day in one mean absolute error."""
    pairs: list[tuple[float, float, float]] = []
    timings: list[float] = []
    result: dict[str, Any] = {}
    for k in range(days):
        result = _replay_day(path, quick, seed=7 + k)
        if "skipped" in result:
            return result
        pairs += result.pop("_pairs")
        timings += result.pop("_timings")
    mae_live = statistics.fmean(abs(w - p) for w, p, _s in pairs) if pairs else float("nan")
    mae_simple = statistics.fmean(abs(w - s) for w, _p, s in pairs) if pairs else float("nan")
    timings.sort()
    return {
        "scenario": result["scenario"],
        "weekday": result["weekday"],
        "clerks": result["clerks"],
        "days": days,
        "tickets": len(pairs),
        "waited": sum(1 for w, _p, _s in pairs if w > 0),
        "mean_wait_min": round(statistics.fmean(w for w, _p, _s in pairs), 2) if pairs else None,
        "mae_live_min": round(mae_live, 2),
        "mae_simple_min": round(mae_simple, 2),
        "live_better": mae_live < mae_simple,
        "predict_ms_median": round(statistics.median(timings), 2) if timings else None,
        "predict_ms_p95": round(timings[int(0.95 * (len(timings) - 1))], 2) if timings else None,
    }


def _replay_day(path: Path, quick: bool, seed: int) -> dict[str, Any]:
    sc = load_scenario(path)
    weekday = next(
        (d for d in sc.days if d in sc.hours and any(p.walk_ins for p in sc.hours[d])), None
    )
    if weekday is None:  # appointments only: nothing here to predict a walk-in wait for
        return {"scenario": sc.name, "skipped": "no walk-in day"}
    # A colleague who calls in sick (the scenario's ``sick``) is not at a counter.
    clerks = max(1, round(sc.counters * 0.4) - len(sc.sick))
    day = MONDAY + timedelta(days=WEEKDAY_KEYS.index(weekday))
    rng = random.Random(seed)
    arrivals = _arrivals(sc, weekday, rng, 2.0 if quick else None)
    first = min(p.start for p in sc.hours[weekday])
    start_at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=first)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "municipality.toml"
        cfg.write_text(_config(sc, weekday, clerks), encoding="utf-8")
        clock = Clock(start_at, frozen=True)
        loket = Loket(Database(f"sqlite:///{tmp}/bench.db"), clock, Actor.system("bench"))
        loket.upgrade()
        loket.apply_config(cfg)
        with loket.db.read() as s:
            ids = {code: sid for code, sid in s.execute(select(Staff.code, Staff.id))}
        desks = []
        for k in range(clerks):
            actor = Actor(f"balie-{k + 1}", staff_id=ids[f"clerk{k}"], roles=frozenset({"counter"}))
            desk = loket.as_actor(actor)
            desk.set_counter_status(BRANCH, k + 1, "available")
            desks.append(desk)
        means = {_code(c): s.mean_minutes for c, s in sc.services.items()}
        speeds = [_clerk_skills(sc, k) for k in range(clerks)]
        cvs = {_code(c): s.cv for c, s in sc.services.items()}
        # Events: (minute, order, kind, payload)
        events: list[tuple[float, int, str, Any]] = []
        seq = 0
        for minute, code in arrivals:
            events.append((minute, seq, "arrive", code))
            seq += 1
        heapq.heapify(events)
        free = list(range(clerks))
        issued: dict[str, tuple[datetime, float | None, float | None]] = {}
        waits: dict[str, float] = {}
        timings: list[float] = []

        def now_at(minute: float) -> datetime:
            return datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)

        def try_call(minute: float) -> None:
            nonlocal seq
            for k in list(free):
                ticket = desks[k].call_next(BRANCH, k + 1)
                if ticket is None:
                    continue
                free.remove(k)
                desks[k].start(BRANCH, ticket.number)
                at, live, simple = issued[ticket.number]
                waits[ticket.number] = (clock.now() - at).total_seconds() / 60
                # At the clerk's speed for the service (1.2: 20% faster), as the
                # scheduler's simulator does.
                speed = speeds[k].get(ticket.service, 1.0) or 1.0
                mean, cv = means[ticket.service] / speed, cvs[ticket.service]
                s2 = math.log(1 + cv * cv)
                duration = rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))
                heapq.heappush(events, (minute + duration, seq, "finish", (k, ticket.number)))
                seq += 1

        while events:
            minute, _o, kind, payload = heapq.heappop(events)
            clock.set(now_at(minute).replace(microsecond=0))
            if kind == "arrive":
                with loket.db.read() as s:
                    t0 = time.perf_counter()
                    live = predict_live(s, 1, payload, clock.now())
                    timings.append((time.perf_counter() - t0) * 1000)
                    rule = prediction.simple_rule(
                        payload, live_state(s, 1, clock.now().date(), clock.now())
                    )
                ticket = loket.issue_ticket(BRANCH, payload)
                issued[ticket.number] = (
                    ticket.issued_at,
                    live.seconds / 60 if live.seconds is not None else None,
                    rule.total_seconds() / 60 if rule is not None else None,
                )
            else:
                k, number = payload
                desks[k].finish(BRANCH, number)
                free.append(k)
            try_call(minute)
        loket.db.dispose()
    pairs = [
        (waits[n], live, simple)
        for n, (_at, live, simple) in issued.items()
        if n in waits and live is not None and simple is not None
    ]
    return {
        "scenario": sc.name,
        "weekday": weekday,
        "clerks": clerks,
        "_pairs": pairs,
        "_timings": timings,
    }


_RAW_TICKETS = """
SELECT t.id, t.prefix, t.sequence, s.code, t.kind, t.issued_at, t.wait_from,
       t.appointment_at, t.needs_assistance, t.status, t.counter_id, t.started_at,
       t.last_called_at
FROM ticket t JOIN service s ON s.id = t.service_id
WHERE t.branch_id = ? AND t.day = ? AND t.status IN ('waiting', 'called', 'serving')
ORDER BY t.id
"""


def _raw_reference(con: sqlite3.Connection, now: datetime) -> float:
    """The floor for the largest read: today's tickets with the sqlite3 module and no
    SQLAlchemy, turned into the scheduler's WaitingTickets (milliseconds)."""
    t0 = time.perf_counter()
    rows = con.execute(_RAW_TICKETS, (1, now.date().isoformat())).fetchall()
    waiting = [
        dispatch_policy.WaitingTicket(
            id=r[0],
            number=f"{r[1]} {r[2]}",
            service=r[3],
            kind=dispatch_policy.WALK_IN,
            waiting_since=datetime.fromisoformat(r[6]),
            appointment_time=None,
            needs_assistance=bool(r[8]),
        )
        for r in rows
        if r[9] == "waiting"
    ]
    elapsed = (time.perf_counter() - t0) * 1000
    assert waiting
    return elapsed


def speed(waiting: int = 200, repeats: int = 60) -> dict[str, Any]:
    """Time of one live prediction with ``waiting`` tickets and four staffed counters
    on the demo municipality (SQLite), as ``issue_ticket`` runs it: its own read
    transaction, the database reads, the model. Wall time (median and fastest: the
    machine may be shared) and this process's CPU time (what one prediction costs, less
    sensitive to other load); the reads and the model apart; and a raw reference for
    the ticket read (sqlite3 without SQLAlchemy)."""
    from loket.queue_state import branch_coverage
    from scheduler.live_prediction import predict_wait_live

    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock(datetime(2026, 11, 23, 8, 30), frozen=True)
        loket = Loket(Database(f"sqlite:///{tmp}/speed.db"), clock, Actor.system("bench"))
        loket.upgrade()
        loket.apply_config(ROOT / "assets" / "demo" / "municipality.toml")
        with loket.db.read() as s:
            ids = {code: sid for code, sid in s.execute(select(Staff.code, Staff.id))}
        for n, code in enumerate(["anna", "bram", "daan", "fenna"]):
            actor = Actor(f"balie-{n + 1}", staff_id=ids[code], roles=frozenset({"counter"}))
            loket.as_actor(actor).set_counter_status("dalfsen", n + 1, "available")
        services = ["paspoort", "idkaart", "ophalen", "verhuizing", "uittreksel"]
        for i in range(waiting):
            loket.issue_ticket("dalfsen", services[i % len(services)])
            clock.set(clock.now() + timedelta(seconds=3))
        now = clock.now()
        con = sqlite3.connect(f"{tmp}/speed.db")
        total, cpu, reads, model, raw = [], [], [], [], []
        for k in range(repeats + 5):
            w0, c0 = time.perf_counter(), time.process_time()
            with loket.db.read() as s:
                predict_live(s, 1, "paspoort", now)
            w1, c1 = time.perf_counter(), time.process_time()
            with loket.db.read() as s:
                t0 = time.perf_counter()
                coverage = branch_coverage(s, 1, now.date())
                state = live_state(s, 1, now.date(), now, None, coverage)
                t1 = time.perf_counter()
                predict_wait_live("paspoort", state)
                t2 = time.perf_counter()
            if k < 5:
                continue  # warm-up: statement caches, first page reads
            total.append((w1 - w0) * 1000)
            cpu.append((c1 - c0) * 1000)
            reads.append((t1 - t0) * 1000)
            model.append((t2 - t1) * 1000)
            raw.append(_raw_reference(con, now))
        con.close()
        loket.db.dispose()
    return {
        "waiting": waiting,
        "total_ms_median": round(statistics.median(total), 2),
        "total_ms_min": round(min(total), 2),
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "reads_ms_median": round(statistics.median(reads), 2),
        "model_ms_median": round(statistics.median(model), 2),
        "raw_ticket_read_ms_median": round(statistics.median(raw), 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "goal_ms": 5.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first two hours only")
    parser.add_argument("--speed-only", action="store_true", help="only time one prediction")
    parser.add_argument(
        "--days", type=int, default=3, help="simulated days per scenario (default 3; quick: 1)"
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "prediction.json"))
    args = parser.parse_args(argv)
    timing = speed()
    print(
        f"one live prediction at {timing['waiting']} waiting (goal < 5 ms): "
        f"{timing['total_ms_median']} ms median, fastest {timing['total_ms_min']}, "
        f"CPU {timing['cpu_ms_median']} ms (reads {timing['reads_ms_median']}, "
        f"model {timing['model_ms_median']}; raw sqlite3 ticket read "
        f"{timing['raw_ticket_read_ms_median']}); load average {timing['load_average_1min']}"
    )
    results: list[dict[str, Any]] = []
    for path in [] if args.speed_only else SCENARIOS:
        r = run_scenario(path, args.quick, 1 if args.quick else args.days)
        if "skipped" in r:
            print(f"{r['scenario']:<16} skipped: {r['skipped']}")
            continue
        results.append(r)
        print(
            f"{r['scenario']:<18} {r['weekday']} x{r['days']} {r['tickets']:4d} tickets "
            f"({r['waited']} waited)  mean wait "
            f"{r['mean_wait_min']} min  MAE live {r['mae_live_min']:6.2f}  simple "
            f"{r['mae_simple_min']:6.2f}  predict {r['predict_ms_median']} ms "
            f"(p95 {r['predict_ms_p95']})"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"quick": args.quick, "speed": timing, "results": results}, indent=2) + "\n"
    )
    ok = all(r["live_better"] for r in results)
    print("live prediction beats the simple rule on every scenario:", "ja" if ok else "nee")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
