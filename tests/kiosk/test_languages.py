"""Every visitor-facing text is translated in every shipped language.

The texts are found in the code the way a translator would find them: every ``tr("…")``
of the kiosk and display, every ``_t("…")`` of the display, every ``N_("…")`` marker and
every ``say(code, "…")`` of the ticket, letter, e-mail and .ics. A new text without its
translation in one of the shipped languages fails here, naming the text and the language.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from loket.language import CATALOGUES, SOURCE, catalogue, language, shipped

ROOT = Path(__file__).resolve().parents[2]
# Where visitor-facing text lives: the public screens and what a visitor takes home.
SOURCES = (
    *sorted((ROOT / "kiosk").rglob("*.py")),
    ROOT / "loket" / "confirmations.py",
    ROOT / "loket" / "language.py",
)
SHIPPED = ("nl", "en", "de", "pl", "tr", "uk", "ar")
_FIELD = re.compile(r"\{(\w*)\}")


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def visitor_texts() -> Iterator[tuple[str, str]]:
    """(Dutch text, where) for every marked text in the sources."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = None
            if name in ("tr", "_t", "N_"):
                arg = node.args[0]
            elif name == "say":
                # say(code, "…") or a confirmation's c.say("…")
                arg = (
                    node.args[0]
                    if _literal(node.args[0])
                    else node.args[min(1, len(node.args) - 1)]
                )
            text = _literal(arg) if arg is not None else None
            if text:
                yield text, f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_seven_languages_are_shipped():
    assert set(SHIPPED) <= set(shipped())
    assert shipped()[0] == SOURCE
    names = {code: language(code).name for code in SHIPPED}
    # Each language in its own words (the kiosk's chooser shows these).
    assert names == {
        "nl": "Nederlands",
        "en": "English",
        "de": "Deutsch",
        "pl": "Polski",
        "tr": "Türkçe",
        "uk": "Українська",
        "ar": "العربية",
    }
    assert [code for code in SHIPPED if language(code).rtl] == ["ar"]


def test_the_sources_hold_the_visitor_texts():
    texts = dict(visitor_texts())
    assert len(texts) > 150, "the text scanner found too little: is it still reading tr()?"
    assert "Waarvoor komt u? Kies één onderwerp." in texts  # kiosk
    assert "Nu aan de beurt" in texts  # display
    assert "Uw nummer" in texts  # ticket
    assert "Wat neemt u mee?" in texts  # letter


@pytest.mark.parametrize("code", [c for c in shipped() if c != SOURCE])
def test_every_visitor_text_is_translated(code: str):
    messages = catalogue(code)
    missing = sorted(
        {f"{where}: {text!r}" for text, where in visitor_texts() if text not in messages}
    )
    assert not missing, f"{code}.json lacks {len(missing)} texts:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("code", [c for c in shipped() if c != SOURCE])
def test_translations_keep_the_placeholders(code: str):
    wrong = [
        (source, text)
        for source, text in catalogue(code).items()
        if sorted(_FIELD.findall(source)) != sorted(_FIELD.findall(text))
    ]
    assert not wrong, f"{code}.json: placeholders differ: {wrong[:5]}"


def test_catalogues_are_json_files_of_the_translations_folder():
    assert sorted(p.stem for p in CATALOGUES.glob("*.json")) == sorted(shipped())


def test_staff_screens_stay_dutch_after_a_visitor_chose_english(qtbot, kiosk):
    kiosk.set_language("en")
    kiosk.go("staff")
    staff = kiosk.staff
    assert staff.title.text() == "Alleen voor medewerkers"
    assert (staff.login.text(), staff.back.text()) == ("Inloggen", "Terug")
    # The core's refusal is Dutch too: one language on the screen.
    kiosk.staff_pin("eva", "0000")
    assert staff.problem.text() and "the" not in staff.problem.text().lower().split()
    kiosk._staff_in("Eva", ("manager",))
    assert kiosk.staff_menu.close_button.text() == "Kiosk afsluiten"
