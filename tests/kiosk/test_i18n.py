"""Every kiosk and display text has its English translation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kiosk.i18n import TRANSLATIONS


def test_every_text_is_translated_to_english():
    root = ET.parse(TRANSLATIONS / "loket_en.ts").getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.findtext("translation") is None
        or m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        or not m.findtext("translation")
    ]
    assert not unfinished
