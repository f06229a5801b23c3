"""Report benchmark: a year's report over simulated history of the demo municipality.

    python benchmarks/reports.py [--quick] [--backend sqlite|postgresql] [--out FILE]

Two years of history (so the report's "a year earlier" is full too) are written in
bulk, shaped like the demo municipality: its three branches and their opening hours
(holidays closed), walk-ins and appointments per period, waits, walk-outs, no-shows,
transfers, ratings and the events the queue writes for them. Then the report over
the last year (all branches) is timed: figures, PDF, CSV and JSON, best of three
runs, plus a month and one branch. Goal: the year's report under 5 s on SQLite and
PostgreSQL. ``--quick`` runs one timing round instead of three.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from loket.clock import Clock  # noqa: E402
from loket.db import Database  # noqa: E402
from loket.events import Actor  # noqa: E402
from loket.hours import periods_on  # noqa: E402
from loket.models import (  # noqa: E402
    Appointment,
    Branch,
    BranchService,
    Event,
    Feedback,
    PeriodMode,
    Service,
    Ticket,
)
from loket.services import Loket  # noqa: E402

DEMO = ROOT / "assets" / "demo" / "municipality.toml"
END = date(2026, 11, 30)
YEAR = (date(2025, 12, 1), END)
GOAL_SECONDS = 5.0
# Visitors per opening hour, per branch (the town hall is busiest).
PER_HOUR = {"dalfsen": 14.0, "nieuwleusen": 5.0, "lemelerveld": 3.0}
CHANNELS = (["online"] * 55) + (["phone"] * 30) + (["counter"] * 10) + (["import"] * 5)


def simulate(db: Database, history_start: date, seed: int = 2026) -> dict[str, int]:
    """Write the history in bulk; returns how many rows of each kind."""
    rng = random.Random(seed)
    with db.read() as s:
        branches = list(s.scalars(select(Branch)))
        services = {sv.id: sv for sv in s.scalars(select(Service))}
        offers: dict[int, list[tuple[int, bool, bool]]] = defaultdict(list)
        for o in s.scalars(select(BranchService)):
            offers[o.branch_id].append((o.service_id, o.walk_in, o.appointment))
        counters = {b.id: [c.id for c in b.counters] for b in branches}
        plans = {}
        day = history_start
        while day <= END:
            plans[day] = {b.id: periods_on(b, day)[0] for b in branches}
            day += timedelta(days=1)
    tickets: list[dict[str, Any]] = []
    appointments: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    ticket_id = appointment_id = 0
    for day, by_branch in plans.items():
        for b in branches:
            sequence: dict[str, int] = defaultdict(int)
            for period in by_branch[b.id]:
                start = datetime.combine(day, period.start)
                minutes = (datetime.combine(day, period.end) - start).total_seconds() / 60
                n = max(0, round(rng.gauss(PER_HOUR[b.code] * minutes / 60, 2)))
                for _ in range(n):
                    at = start + timedelta(seconds=rng.uniform(0, minutes * 60 - 600))
                    appointment = period.mode is PeriodMode.APPOINTMENT or (
                        period.mode is PeriodMode.MIXED and rng.random() < 0.35
                    )
                    choices = [o for o in offers[b.id] if (o[2] if appointment else o[1])]
                    service_id = rng.choice(choices)[0]
                    service = services[service_id]
                    appointment_row: dict[str, Any] | None = None
                    if appointment:
                        appointment_id += 1
                        slot = at.replace(minute=(at.minute // 10) * 10, second=0)
                        no_show = rng.random() < 0.05
                        channel = rng.choice(CHANNELS)
                        appointment_row = {
                            "id": appointment_id,
                            "reference": f"B{appointment_id:07d}",
                            "branch_id": b.id,
                            "service_id": service_id,
                            "start": slot,
                            "duration_minutes": service.duration_minutes,
                            "status": "no_show" if no_show else "completed",
                            "channel": channel,
                            "created_at": slot - timedelta(days=rng.randint(1, 20)),
                            "call_by_name": False,
                            "needs_assistance": False,
                            "follow_up_of_id": (
                                appointment_id - 1
                                if channel == "counter" and appointment_id > 1
                                else None
                            ),
                        }
                        appointments.append(appointment_row)
                        if no_show:
                            continue
                    ticket_id += 1
                    late = appointment_row is not None and rng.random() < 0.03
                    kind = "appointment" if appointment_row and not late else "walk_in"
                    wait_from = (
                        max(at, appointment_row["start"])
                        if appointment_row is not None and kind == "appointment"
                        else at
                    )
                    wait = int(rng.expovariate(1 / (70 if kind == "appointment" else 200)))
                    roll = rng.random()
                    status = "cancelled" if roll < 0.03 else "no_show" if roll < 0.05 else "done"
                    transferred = status == "done" and rng.random() < 0.03
                    called = wait_from + timedelta(seconds=wait)
                    finished = called + timedelta(
                        seconds=int(service.duration_minutes * 60 * rng.uniform(0.6, 1.5))
                    )
                    sequence[service.prefix] += 1
                    counter = rng.choice(counters[b.id])
                    t = {
                        "id": ticket_id,
                        "branch_id": b.id,
                        "service_id": service_id,
                        "day": day,
                        "prefix": service.prefix,
                        "sequence": sequence[service.prefix],
                        "kind": kind,
                        "status": status,
                        "issued_at": at,
                        "wait_from": wait_from,
                        "appointment_at": appointment_row["start"] if appointment_row else None,
                        "first_called_at": None if status == "cancelled" else called,
                        "last_called_at": None if status == "cancelled" else called,
                        "started_at": called if status == "done" else None,
                        "finished_at": finished if status != "cancelled" else called,
                        "counter_id": None if status == "cancelled" else counter,
                        "call_count": 3 if status == "no_show" else 1,
                        "outcome": "helped" if status == "done" else None,
                        "needs_assistance": False,
                        "appointment_id": appointment_row["id"] if appointment_row else None,
                        "printed": kind == "walk_in" and rng.random() < 0.7,
                    }
                    number = f"{service.prefix} {sequence[service.prefix]}"
                    base = {
                        "branch_id": b.id,
                        "ticket_id": ticket_id,
                        "workstation": "sim",
                        "appointment_id": t["appointment_id"],
                    }
                    data = {"number": number, "service": service.code, "kind": kind}
                    events.append({**base, "at": at, "kind": "ticket.issued", "data": data})
                    if status == "cancelled":
                        events.append(
                            {**base, "at": called, "kind": "ticket.cancelled", "data": data}
                        )
                    else:
                        events.append(
                            {
                                **base,
                                "at": called,
                                "kind": "ticket.called",
                                "counter_id": counter,
                                "data": {**data, "waited_seconds": wait},
                            }
                        )
                    if transferred:
                        moved = called + timedelta(minutes=4)
                        t["wait_from"] = moved
                        t["started_at"] = moved + timedelta(minutes=3)
                        events.append(
                            {**base, "at": moved, "kind": "ticket.transferred", "data": data}
                        )
                        events.append(
                            {
                                **base,
                                "at": moved + timedelta(minutes=3),
                                "kind": "ticket.called",
                                "counter_id": counter,
                                "data": {**data, "waited_seconds": 180},
                            }
                        )
                    if status != "cancelled":
                        end_kind = "ticket.finished" if status == "done" else "ticket.no_show"
                        events.append({**base, "at": finished, "kind": end_kind, "data": data})
                    tickets.append(t)
                    if status == "done" and rng.random() < 0.3:
                        subs = [
                            rng.choice([3, 4, 4, 5, 5]) if rng.random() < 0.8 else None
                            for _ in range(3)
                        ]
                        feedback.append(
                            {
                                "ticket_id": ticket_id,
                                "branch_id": b.id,
                                "service_id": service_id,
                                "at": finished + timedelta(minutes=1),
                                "score": min(10, max(1, round(rng.gauss(7.8, 1.3)))),
                                "friendliness": subs[0],
                                "speed": subs[1],
                                "expertise": subs[2],
                            }
                        )
    with db.write() as s:
        for model, rows in (
            (Appointment, appointments),
            (Ticket, tickets),
            (Feedback, feedback),
            (Event, events),
        ):
            for i in range(0, len(rows), 5000):
                s.execute(insert(model), rows[i : i + 5000])
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            for table in ("appointment", "ticket", "feedback", "event"):
                conn.exec_driver_sql(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"
                )
            conn.commit()
    return {
        "tickets": len(tickets),
        "appointments": len(appointments),
        "feedback": len(feedback),
        "events": len(events),
    }


CPU: dict[str, float] = {}


def timed(fn: Any, rounds: int, name: str = "") -> tuple[float, Any]:
    """Best wall time of ``rounds`` runs; this process's CPU time of the best in ``CPU``."""
    best, result = float("inf"), None
    for _ in range(rounds):
        began, cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - began
        if wall < best:
            best, CPU[name] = wall, time.process_time() - cpu
    return best, result


def run(url: str, rounds: int, years: int) -> dict[str, Any]:
    db = Database(url)
    loket = Loket(db, Clock(datetime(2026, 12, 1, 7, 0), frozen=True), Actor.system("bench"))
    loket.upgrade()
    loket.apply_config(DEMO)
    began = time.perf_counter()
    rows = simulate(db, END.replace(year=END.year - years) + timedelta(days=1))
    simulate_s = time.perf_counter() - began
    reports = loket.reports
    figures_s, report = timed(lambda: reports.report(*YEAR), rounds, "figures")
    pdf_s, pdf = timed(lambda: reports.render(report, "pdf"), rounds)
    csv_s, csv = timed(lambda: reports.render(report, "csv"), rounds)
    json_s, _ = timed(lambda: reports.render(report, "json"), rounds)
    total_s, _ = timed(
        lambda: [reports.render(reports.report(*YEAR), f) for f in ("pdf", "csv", "json")],
        rounds,
        "all",
    )
    month_s, _ = timed(lambda: reports.report(date(2026, 11, 1), END), rounds)
    branch_s, _ = timed(lambda: reports.report(*YEAR, branch="nieuwleusen"), rounds)
    with db.read() as s:
        counted = s.scalar(select(func.count()).select_from(Ticket))
    db.dispose()
    t = report.current.total
    return {
        "rows": rows,
        "tickets_in_database": counted,
        "simulate_s": round(simulate_s, 2),
        "year_figures_s": round(figures_s, 3),
        "year_pdf_s": round(pdf_s, 3),
        "year_csv_s": round(csv_s, 3),
        "year_json_s": round(json_s, 3),
        "year_report_all_formats_s": round(total_s, 3),
        "year_figures_cpu_s": round(CPU["figures"], 3),
        "year_report_all_formats_cpu_s": round(CPU["all"], 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "month_figures_s": round(month_s, 3),
        "branch_year_figures_s": round(branch_s, 3),
        "pdf_bytes": len(pdf),
        "csv_bytes": len(csv),
        "year": {
            "visitors": t.visitors,
            "share_within_norm": round(t.share_within_norm or 0, 4),
            "p90_minutes": t.p90_minutes,
            "ratings": report.current.satisfaction.ratings,
            "mean_score": report.current.satisfaction.mean,
            "previous_year_visitors": report.previous.total.visitors if report.previous else 0,
        },
        "goal_s": GOAL_SECONDS,
        "ok": total_s < GOAL_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one timing round instead of three")
    ap.add_argument("--years", type=int, default=2, help="years of history (default 2)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "reports.json")
    args = ap.parse_args(argv)
    rounds = 1 if args.quick else 3
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="loket-bench-reports-") as work:
        for backend in args.backend or ["sqlite", "postgresql"]:
            if backend == "sqlite":
                results[backend] = run(f"sqlite:///{Path(work) / 'reports.db'}", rounds, args.years)
            else:
                from tests.rigs.postgres import start_postgres

                if os.environ.get("LOKET_BENCH_POSTGRES_URL"):
                    os.environ.setdefault(
                        "LOKET_TEST_POSTGRES_URL", os.environ["LOKET_BENCH_POSTGRES_URL"]
                    )
                server = start_postgres(Path(work) / "pg")
                try:
                    url = server.create_database("loket_bench_reports")
                    results[backend] = run(url, rounds, args.years)
                finally:
                    server.stop()
    print(
        "backend     | tickets | events  | figures s (cpu) | pdf s | csv s | "
        "all formats s (cpu) | month s | load | goal"
    )
    for backend, r in results.items():
        print(
            f"{backend:<11} | {r['rows']['tickets']:7d} | {r['rows']['events']:7d} | "
            f"{r['year_figures_s']:7.3f} ({r['year_figures_cpu_s']:.2f}) | "
            f"{r['year_pdf_s']:5.3f} | {r['year_csv_s']:5.3f} | "
            f"{r['year_report_all_formats_s']:11.3f} ({r['year_report_all_formats_cpu_s']:.2f}) | "
            f"{r['month_figures_s']:7.3f} | {r['load_average_1min']:4.1f} | "
            f"{'OK' if r['ok'] else 'MISS'} (< {GOAL_SECONDS:g} s)"
        )
    year = next(iter(results.values()))["year"]
    print(
        f"year {YEAR[0]}..{YEAR[1]}: {year['visitors']} visitors, "
        f"{year['share_within_norm'] * 100:.1f}% on time, P90 {year['p90_minutes']} min, "
        f"{year['ratings']} ratings, mean {year['mean_score']}; "
        f"a year earlier {year['previous_year_visitors']} visitors"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "benchmark": "reports",
                "period": [str(d) for d in YEAR],
                "rounds": rounds,
                "results": results,
            },
            indent=2,
        )
    )
    print(args.out)
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
