"""Connection budget: how many PCs one PostgreSQL serves, directly and through PgBouncer.

    python benchmarks/connections.py [--quick] [--out benchmarks/results/connections.json]

On a throw-away server of its own (``tests/rigs/postgres.py``) with ``max_connections``
= 100, PostgreSQL's default, and the issue's figure of PCs (50 displays, 40 counters,
10 kiosks, 5 reception PCs; ``--quick``: the same figure, fewer tickets):

1. **per role**: two PCs of each role straight onto the server; the most connections
   each role held in ``pg_stat_activity`` (by the application name every PC gives its
   connections), per PC. Goal: 1 for display, kiosk, counter (and reception).
2. **directly**: how many of the 105 PCs get a connection straight onto the server.
3. **through PgBouncer** (``tests/rigs/pgbouncer.py``, set up as docs/architecture.md
   describes: engines in transaction pooling, a pool of 30; the displays' feeds on a
   session-pooled alias): every PC works at once (``tests/loket/connection_budget.py``);
   errors, tickets served, calls every display heard, the peak of server connections.
   Goal: no error, nothing missed, the server within ``max_connections``.

Exit status 1 if a goal is missed. PCs are threads with their own connections, so the
figures are about connections, not speed (``benchmarks/live.py`` measures speed).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.loket.connection_budget import (  # noqa: E402
    Budget,
    configure,
    connections_by_role,
    direct_connections_until_refused,
    run,
    run_through_pgbouncer,
)
from tests.rigs.postgres import start_postgres  # noqa: E402

MAX_CONNECTIONS = 100
FIGURE = Budget(displays=50, counters=40, kiosks=10, receptions=5)
ENGINE_POOL = 30  # server connections the engines share (transaction pooling)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer tickets per kiosk")
    ap.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "connections.json"
    )
    args = ap.parse_args(argv)
    budget = FIGURE if not args.quick else Budget(50, 40, 10, 5, 2, 1)
    began = time.perf_counter()
    results: dict[str, Any] = {"max_connections": MAX_CONNECTIONS, "pcs": budget.__dict__}
    with tempfile.TemporaryDirectory(prefix="loket-bench-conn-") as tmp:
        work = Path(tmp)
        server = start_postgres(work / "pg", {"max_connections": str(MAX_CONNECTIONS)})
        try:
            admin = server.conninfo()
            # 1. Per role, straight onto the server.
            url = server.create_database("roles")
            configure(url, 2, work)
            few = Budget(displays=2, counters=2, kiosks=2, receptions=2, tickets_per_kiosk=2)
            per_role = run(
                url,
                few,
                lambda: sum(connections_by_role(admin, "roles").values()),
                count_roles=lambda: connections_by_role(admin, "roles"),
            )
            pcs = {"display": 2, "kiosk": 2, "counter": 2, "reception": 2}
            results["per_role"] = {
                role: per_role.peak_per_role.get(role, 0) / n for role, n in pcs.items()
            }
            results["per_role_errors"] = per_role.errors
            # 2. The figure, straight onto the server.
            url = server.create_database("loket")
            configure(url, budget.counters, work)
            took, refused = direct_connections_until_refused(server.conninfo("loket"), budget.pcs)
            results["direct"] = {"connected": took, "refused": refused}
            # 3. The figure through PgBouncer.
            outcome = run_through_pgbouncer(
                server,
                work,
                budget,
                engine_pool=ENGINE_POOL,
                feed_pool=budget.displays + 5,
                timeout=300,
            )
        finally:
            server.stop()
    missed = {d: len(set(outcome.issued) - heard) for d, heard in outcome.heard.items()}
    results["pgbouncer"] = {
        "errors": outcome.errors[:5],
        "error_count": len(outcome.errors),
        "tickets_issued": len(outcome.issued),
        "tickets_served": len(outcome.served),
        "displays_missing_a_call": sum(1 for n in missed.values() if n),
        "display_reads": sum(outcome.display_reads.values()),
        "actions": dict(outcome.actions),
        "peak_server_connections": outcome.peak_server_connections,
        "engine_pool": ENGINE_POOL,
        "seconds": round(outcome.seconds, 1),
    }
    results["seconds"] = round(time.perf_counter() - began, 1)
    bounced = results["pgbouncer"]
    goals = {
        "one connection per display, kiosk, counter": all(
            results["per_role"][r] == 1 for r in ("display", "kiosk", "counter")
        ),
        "all PCs work through PgBouncer": bounced["error_count"] == 0
        and sorted(outcome.served) == sorted(outcome.issued)
        and bounced["displays_missing_a_call"] == 0,
        "server within max_connections": bounced["peak_server_connections"] < MAX_CONNECTIONS,
    }
    results["goals"] = goals
    print(
        f"PCs: {budget.displays} displays, {budget.counters} counters, {budget.kiosks} kiosks,"
        f" {budget.receptions} reception = {budget.pcs}; max_connections = {MAX_CONNECTIONS}"
    )
    print(
        "connections per PC: "
        + ", ".join(f"{r} {v:g}" for r, v in results["per_role"].items())
        + " (manager: 2, feed + engine; see docs/architecture.md)"
    )
    print(f"directly: {took} of {budget.pcs} PCs connected; then: {refused or '-'}")
    print(
        f"through PgBouncer: {bounced['error_count']} errors, {bounced['tickets_served']}"
        f"/{bounced['tickets_issued']} tickets served, {bounced['display_reads']} display"
        f" reads, {bounced['displays_missing_a_call']} displays missed a call, peak"
        f" {bounced['peak_server_connections']} server connections"
        f" ({budget.displays} feeds + a pool of {ENGINE_POOL} + the sampler),"
        f" {bounced['seconds']} s"
    )
    for goal, met in goals.items():
        print(f"  {'met' if met else 'MISSED'}: {goal}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"written {args.out}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
