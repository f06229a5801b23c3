"""Plain Dutch (B1): no avoided word (docs/b1-words.md) in a text a visitor or clerk reads.

Scans every string in the code of the screens (docstrings and comments left out), the
Dutch sources of the kiosk and display translations, the printed ticket's words, a
rendered letter, e-mail and .ics, the code refusals and the demo municipality's names.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tomllib
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from loket import codes
from loket.confirmations import Confirmation, ics, letter_pdf, mail_text

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ["kiosk", "counter", "roles"]
MODULES = [
    "hardware/ticket_layout.py", "loket/confirmations.py", "loket/codes.py",
    "loket/monitor.py", "loket/reports/texts.py", "loket/appointments.py",
]  # fmt: skip


def avoided() -> list[str]:
    text = (ROOT / "docs" / "b1-words.md").read_text(encoding="utf-8")
    section = text.split("## Words a test looks for", 1)[1]
    return [line[2:].strip() for line in section.splitlines() if line.startswith("- ")]


def _strings(path: Path) -> list[str]:
    """String constants of a module, without docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def visitor_texts() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for folder in SCREENS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            texts[str(path.relative_to(ROOT))] = _strings(path)
    for module in MODULES:
        texts[module] = _strings(ROOT / module)
    # The Dutch sources of every visitor text (the keys of a catalogue).
    english = json.loads((ROOT / "assets" / "translations" / "en.json").read_text("utf-8"))
    texts["catalogue sources"] = list(english["messages"])
    demo = tomllib.loads((ROOT / "assets" / "demo" / "municipality.toml").read_text("utf-8"))
    texts["demo municipality"] = [
        str(s["name"]["nl"] if isinstance(s["name"], dict) else s["name"]) for s in demo["services"]
    ] + [
        str(
            b["wait_area"]["nl"] if isinstance(b.get("wait_area"), dict) else b.get("wait_area", "")
        )
        for b in demo["branches"]
    ]
    texts["code refusals"] = [
        cls.message for cls in vars(codes).values()
        if isinstance(cls, type) and issubclass(cls, codes.CodeError)
    ]  # fmt: skip
    sample = Confirmation(
        municipality="Gemeente Dalfsen", reference="ABCD2345", code="X" * 10,
        short_code="ABC-DEF-GHJ", service_name="Paspoort aanvragen",
        bring="Neem mee: uw oude paspoort en een pasfoto.",
        start=datetime(2026, 12, 10, 9, 45), duration_minutes=15,
        branch_name="Gemeentehuis Dalfsen", address="Prinsenstraat 14, Dalfsen",
        name="J. de Vries", phone="14 0529", website="www.dalfsen.nl",
    )  # fmt: skip
    letter = PdfReader(io.BytesIO(letter_pdf(sample))).pages[0].extract_text()
    texts["letter, e-mail, .ics"] = [
        letter,
        mail_text(sample),
        ics(sample, datetime(2026, 12, 1, 9, 0)).decode("utf-8"),
    ]
    return texts


def test_the_list_is_read_from_the_docs():
    words = avoided()
    assert "zuil" in words and "Getrokken op" in words and "Wis" in words


def test_no_avoided_word_in_what_visitors_and_clerks_read():
    patterns = {w: re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE) for w in avoided()}
    found = [
        f"{where}: {word!r} in {text[:80]!r}"
        for where, texts in visitor_texts().items()
        for text in texts
        for word, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert not found, "\n".join(found)
