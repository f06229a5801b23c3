"""``loket staff``: add staff, give them a PIN or a card, disable them, list them.

The PIN is never a command-line argument (other users of the PC see those in the
process list, and shells keep them in their history): it is asked twice at a prompt, or
read as one line from standard input for scripts (``printf '4829\\n' | loket staff
set-pin j.devries``). A card is read from this PC's card reader, or given by its UID.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import threading

from loket.cli.common import add_json, emit, services
from loket.cli.staff_absence import add_absent
from loket.errors import DomainError, Refused
from loket.staff_admin import STAFF_ROLES, StaffEntry, normalise_uid


def read_pin(prompt: str = "Nieuwe pincode: ") -> str:
    """A PIN from the terminal (asked twice) or one line of standard input."""
    if sys.stdin is None:
        raise Refused("Er is geen invoer om de pincode te lezen.", code="pin")
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        second = getpass.getpass("Nog een keer: ")
        if first != second:
            raise Refused("De twee pincodes zijn niet gelijk. Er is niets gewijzigd.", code="pin")
        return first.strip()
    line = sys.stdin.readline()
    if not line.strip():
        raise Refused(
            "Geef de pincode op standaardinvoer (één regel), of start de opdracht in een "
            "terminal om hem in te typen.",
            code="pin",
        )
    return line.strip()


def read_card_uid(wait_seconds: float) -> str:
    """Wait for a card on this PC's PC/SC reader and return its UID."""
    try:
        from hardware.card_reader import CardInserted, PcscCardMonitor, ServiceState
    except ImportError as exc:  # pyscard missing on this PC
        raise Refused(
            f"De pasjeslezer kan niet gebruikt worden: {exc}.", code="card_reader"
        ) from exc
    seen = threading.Event()
    found: list[str] = []
    problem: list[str] = []

    def on_event(event: object) -> None:
        if isinstance(event, CardInserted) and event.uid:
            found.append(event.uid)
            seen.set()
        elif isinstance(event, ServiceState) and not event.available:
            problem.append(event.message_nl)

    monitor = PcscCardMonitor(on_event, poll_ms=200)
    print(f"Houd de pas op de lezer (ik wacht {wait_seconds:g} seconden)...", file=sys.stderr)
    monitor.start()
    try:
        seen.wait(wait_seconds)
    finally:
        monitor.stop()
    if not found:
        detail = f" {problem[-1]}" if problem else ""
        raise Refused(
            f"Er is geen pas gelezen.{detail} Probeer het opnieuw, of geef het pasnummer "
            "met --uid.",
            code="no_card",
        )
    return found[0]


def _line(e: StaffEntry) -> str:
    flags = [
        "pincode" if e.has_pin else "geen pincode",
        "pas" if e.has_card else "geen pas",
    ]
    if e.locked:
        flags.append("tijdelijk geblokkeerd")
    state = "" if e.active else " [uitgeschakeld]"
    return f"{e.code:<20} {e.name:<28} {e.roles_nl:<32} {', '.join(flags)}{state}"


def _list(args: argparse.Namespace) -> int:
    entries = services(args).staff_admin.list(include_disabled=not args.active)
    text = "\n".join(_line(e) for e in entries) or "Er zijn nog geen medewerkers."
    emit(args, [e.to_dict() for e in entries], text)
    return 0


def _add(args: argparse.Namespace) -> int:
    pin = read_pin() if args.pin else None
    entry = services(args).staff_admin.add(args.code, args.name, args.role, pin)
    emit(args, entry.to_dict(), f"Medewerker toegevoegd: {_line(entry)}")
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    admin = services(args).staff_admin
    pin = read_pin()
    entry = admin.set_pin(args.code, pin)
    emit(args, entry.to_dict(), f"Nieuwe pincode ingesteld voor {entry.name}.")
    return 0


def _enrol_card(args: argparse.Namespace) -> int:
    admin = services(args).staff_admin
    if args.remove:
        entry = admin.remove_card(args.code)
        emit(args, entry.to_dict(), f"De pas van {entry.name} is verwijderd.")
        return 0
    uid = normalise_uid(args.uid) if args.uid else read_card_uid(args.wait)
    entry = admin.enrol_card(args.code, uid)
    emit(args, entry.to_dict(), f"De pas is gekoppeld aan {entry.name}.")
    return 0


def _disable(args: argparse.Namespace) -> int:
    entry = services(args).staff_admin.set_active(args.code, args.enable)
    word = "weer ingeschakeld" if args.enable else "uitgeschakeld: kan niet meer inloggen"
    emit(args, entry.to_dict(), f"{entry.name} is {word}.")
    return 0


def _change(args: argparse.Namespace) -> int:
    if args.name is None and not args.role:
        raise DomainError("Geef --name of --role op.", code="usage")
    entry = services(args).staff_admin.change(args.code, name=args.name, roles=args.role or None)
    emit(args, entry.to_dict(), f"Gewijzigd: {_line(entry)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff: add, PIN, card, disable, list, absences")
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add_absent(ssub)

    p = ssub.add_parser("list", help="every member of staff, with roles and PIN/card set or not")
    p.add_argument("--active", action="store_true", help="only those who can log in")
    add_json(p)
    p.set_defaults(func=_list)

    p = ssub.add_parser("add", help="add a member of staff")
    p.add_argument("code", help="login name, e.g. j.devries")
    p.add_argument("--name", required=True, help="full name as shown on screens")
    p.add_argument(
        "--role", action="append", required=True, choices=STAFF_ROLES,
        help="role (repeat for more than one)",
    )  # fmt: skip
    p.add_argument(
        "--pin", action="store_true",
        help="also set a PIN: asked at the prompt, or one line on standard input",
    )  # fmt: skip
    add_json(p)
    p.set_defaults(func=_add)

    p = ssub.add_parser("change", help="change name or roles")
    p.add_argument("code")
    p.add_argument("--name")
    p.add_argument("--role", action="append", choices=STAFF_ROLES)
    add_json(p)
    p.set_defaults(func=_change)

    p = ssub.add_parser(
        "set-pin",
        help="set a new PIN (asked at the prompt, or one line on standard input; "
        "never an argument); also lifts a lock after wrong PINs",
    )
    p.add_argument("code")
    add_json(p)
    p.set_defaults(func=_set_pin)

    p = ssub.add_parser("enrol-card", help="link a staff card: read it from the reader, or --uid")
    p.add_argument("code")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--uid", metavar="HEX", help="the card's UID, e.g. 04A1B2C3")
    how.add_argument("--remove", action="store_true", help="unlink the card (lost card)")
    p.add_argument(
        "--wait", type=float, default=30.0, metavar="SECONDS",
        help="how long to wait for the card on the reader",
    )  # fmt: skip
    add_json(p)
    p.set_defaults(func=_enrol_card)

    p = ssub.add_parser("disable", help="disable a member of staff (no login any more)")
    p.add_argument("code")
    p.add_argument("--enable", action="store_true", help="enable again instead")
    add_json(p)
    p.set_defaults(func=_disable)
