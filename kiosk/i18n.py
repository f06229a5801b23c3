"""Dutch by default, English on request: Qt Linguist catalogues for every screen text.

Dutch is the source language (the texts in the code), so Dutch needs no catalogue;
English comes from ``assets/translations/loket_en.qm`` (``make`` compiles the .ts).
Data from the database (service names) has both languages in its own fields.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.theme import ASSETS

log = logging.getLogger(__name__)
TRANSLATIONS = ASSETS / "translations"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def _lrelease() -> str | None:
    local = Path(sys.executable).parent / "pyside6-lrelease"
    return str(local) if local.exists() else shutil.which("pyside6-lrelease")


def catalogue(language: str) -> Path:
    """The compiled catalogue, compiled from its .ts source when missing or outdated.

    ``make`` does this too; doing it here keeps a developer checkout and the tests
    working without remembering that step.
    """
    qm = TRANSLATIONS / f"loket_{language}.qm"
    ts = qm.with_suffix(".ts")
    if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
        tool = _lrelease()
        if tool:
            subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=False)
    return qm


# Qt translators are installed on the application, so there is one per process, shared by
# every window; a new window starts by putting it back to Dutch.
_installed: QTranslator | None = None


def _install(language: str) -> None:
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if language == DEFAULT_LANGUAGE:
        return
    translator = QTranslator()
    if translator.load(str(catalogue(language))):
        app.installTranslator(translator)
        _installed = translator
    else:
        log.warning("no %s translations found; the screens stay in Dutch", language)


class Translations:
    """The language of the public screens; Dutch until a visitor chooses otherwise."""

    def __init__(self) -> None:
        self.language = DEFAULT_LANGUAGE
        _install(DEFAULT_LANGUAGE)

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        _install(language)
        self.language = language
