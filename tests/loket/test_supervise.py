"""`loket supervise`: a role that stops with an error is started again; a role that
ends normally is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_failing_role_is_restarted_then_given_up(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'leeg.db'}"  # no schema: the kiosk stops with code 2
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LOKET_LOG_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "roles", "--database", empty,
         "supervise", "--max-restarts", "1", "--pause", "0.1", "kiosk", "--windowed"],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("De database is nog niet ingericht") == 2  # started twice
    assert "kiosk stopte (code 2); opnieuw starten" in done.stderr
