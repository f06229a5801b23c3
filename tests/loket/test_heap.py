"""A PC on SQLite keeps the memory its statements free (loket.heap).

The effect (page faults inside SQLite's write lock, and the clerk's cycles per second
with 20 counters on one file) depends on how a process's memory happens to be laid
out, so it is measured by benchmarks/live.py; here: that opening a SQLite database
applies the setting, in a fresh process (it holds for a whole process).
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import sys
from loket import heap
from loket.db import Database

print(heap.kept(), end=" ")
Database(sys.argv[1])
print(heap.kept())
"""


def _kept(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the GNU C library's allocator",
)
def test_opening_a_sqlite_database_keeps_freed_memory(tmp_path: Path) -> None:
    assert _kept(f"sqlite:///{tmp_path / 'loket.db'}") == "False True"


def test_a_postgresql_pc_leaves_its_allocator_alone() -> None:
    # Only SQLite's temporary tables were measured; a PostgreSQL PC is left as it was.
    assert _kept("postgresql+psycopg://loket@127.0.0.1:1/none") == "False False"
