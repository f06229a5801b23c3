"""Run every benchmark in benchmarks/ (``make bench``), one after the other.

    python benchmarks/run_all.py [--quick] [--only scheduler,live]

Each ``benchmarks/*.py`` except this file is a benchmark with its own ``--quick`` and
``--out`` (default benchmarks/results/<name>.json). They run as separate processes,
so one benchmark's servers, memory or crash cannot skew or stop the next. The exit
status is non-zero if any benchmark failed (e.g. live.py found an anomaly).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="passed on to every benchmark")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    args = ap.parse_args(argv)
    only = {n.removesuffix(".py") for n in args.only.split(",") if n}
    failed: list[str] = []
    summary: list[str] = []
    for path in benchmarks():
        if only and path.stem not in only:
            continue
        command = [sys.executable, str(path), *(["--quick"] if args.quick else [])]
        print(f"== {path.name}: {' '.join(command[1:])}", flush=True)
        began = time.perf_counter()
        code = subprocess.call(command, cwd=HERE.parent)
        seconds = time.perf_counter() - began
        summary.append(
            f"{path.name:<20} {'ok' if code == 0 else f'FAILED ({code})':<12} {seconds:7.1f} s"
        )
        if code != 0:
            failed.append(path.name)
    print("\n".join(["", "benchmark            result       time", *summary]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
