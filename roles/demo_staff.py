"""The staff windows of ``loket demo``: a counter logged in with the (fake) staff card,
and reception logged in with a PIN, so the demo and its screenshots show real work."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from counter.reception import ReceptionWindow
from counter.workstation import compose_counter
from loket.demo import Demo

DEMO_CARD = "04A1B2C3D4E5F6"  # anna's card in assets/demo/municipality.toml


def demo_staff_windows(demo: Demo) -> dict[str, QWidget]:
    counter = compose_counter(
        demo.loket, demo.branch, workstation="demo-balie-3", counter=3, fake_reader=True
    )
    counter.card_reader.insert(DEMO_CARD)  # type: ignore[attr-defined]
    reception = ReceptionWindow(demo.loket, demo.branch, workstation="demo-receptie")
    reception.login.code.setText("carla")
    reception.login.pin.setText("3333")
    reception.login.login_with_pin()
    return {"counter": counter, "reception": reception}
