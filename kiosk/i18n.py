"""The language of the public screens: Dutch by default, any configured language on request.

Dutch is the source language (the texts in the code). Every other language comes from
its catalogue in ``assets/translations/<code>.json`` (``loket.views.language``), the same
catalogue the ticket, letter and e-mail use: a Qt translator that reads it answers every
``tr()`` call of the kiosk and the display, so screens need no other mechanism.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QCoreApplication, Qt, QTranslator

from loket.views.language import SOURCE, language, shipped, translate

DEFAULT_LANGUAGE = SOURCE


def languages() -> tuple[str, ...]:
    """Every shipped language (the configuration chooses which the kiosk offers)."""
    return shipped()


class CatalogueTranslator(QTranslator):
    """Answers Qt's ``tr()`` from the JSON catalogue of one language."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        # Called by Qt from C++: never raise, always hand back a text.
        try:
            return translate(self.code, source or "")
        except Exception:  # noqa: BLE001 (a broken catalogue must not take the screen down)
            return source or ""

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return False


# Qt translators are installed on the application, so there is one per process, shared by
# every window; a new window starts by putting it back to Dutch.
_installed: QTranslator | None = None


@atexit.register
def _uninstall() -> None:
    """Take the Python translator off the application before the interpreter shuts down,
    so Qt never calls back into Python while Python is being finalised."""
    global _installed
    app = QCoreApplication.instance()
    if app is not None and _installed is not None:
        app.removeTranslator(_installed)
    _installed = None


def _install(code: str) -> None:
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if code == DEFAULT_LANGUAGE:
        return
    translator = CatalogueTranslator(code)
    app.installTranslator(translator)
    _installed = translator


def own_name(code: str) -> str:
    """The language in its own words: "Deutsch", "Türkçe", "العربية"."""
    return language(code).name


def direction(code: str) -> Qt.LayoutDirection:
    """Right to left for Arabic (and any catalogue that says ``"direction": "rtl"``)."""
    if language(code).rtl:
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


class Translations:
    """The language of the public screens; Dutch until a visitor chooses otherwise."""

    def __init__(self) -> None:
        self.language = DEFAULT_LANGUAGE
        _install(DEFAULT_LANGUAGE)

    def set_language(self, code: str) -> None:
        if code not in shipped():
            raise ValueError(f"unknown language {code!r}")
        _install(code)
        self.language = code
