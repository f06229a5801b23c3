"""``loket appointment``: book, cancel, show and check in appointments."""

from __future__ import annotations

import argparse

from loket.capacity import OVERRIDE_REASONS
from loket.cli.common import add_json, emit, services
from loket.clock import parse_day, parse_moment


def _book(args: argparse.Namespace) -> int:
    a = services(args).book_appointment(
        args.branch,
        args.service,
        parse_moment(args.start),
        name=args.name,
        email=args.email,
        phone=args.phone,
        notes=args.notes,
        channel=args.channel,
        call_by_name=args.call_by_name,
        needs_assistance=args.assistance,
        language=args.language,
        **({"override": args.override} if args.override else {}),
    )
    emit(
        args,
        a,
        f"Afspraak {a.reference}: {a.service_name}, {a.start:%d-%m-%Y %H:%M}, "
        f"{a.branch_name}.\nCode: {a.code}\nKorte code: {a.short_code}",
    )
    return 0


def _slots(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    plan = services(args).day_plan(args.branch, args.service, day)
    free = [s for s in plan.slots if s.bookable]
    data = {
        "branch": plan.branch,
        "service": plan.service,
        "day": day.isoformat(),
        "closed": plan.closed_reason,
        "slots": [{"start": f"{s.start:%H:%M}", "free": s.free} for s in free],
    }
    if plan.closed_reason:
        text = f"{plan.title}: gesloten. {plan.closed_reason}"
    elif not free:
        text = f"{plan.title}: geen tijden vrij."
    else:
        text = f"{plan.title}, vrije tijden:\n" + "\n".join(
            f"  {s.start:%H:%M}  ({s.free} vrij)" for s in free
        )
    emit(args, data, text)
    return 0


def _show(args: argparse.Namespace) -> int:
    a = services(args).appointment(args.reference)
    emit(
        args,
        a,
        f"Afspraak {a.reference}: {a.service_name}, {a.start:%d-%m-%Y %H:%M}, "
        f"{a.branch_name}, {a.status}.\nCode: {a.code}\nKorte code: {a.short_code}",
    )
    return 0


def _cancel(args: argparse.Namespace) -> int:
    a = services(args).cancel_appointment(args.reference)
    emit(args, a, f"Afspraak {a.reference} is geannuleerd.")
    return 0


def _checkin(args: argparse.Namespace) -> int:
    loket = services(args)
    if args.reference:
        ticket, message = loket.check_in_reference(args.reference, args.branch)
    else:
        ticket, message = loket.check_in(args.code, args.branch)
    emit(args, {"ticket": ticket, "message": message}, f"{message} Uw nummer: {ticket.number}.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    ap = sub.add_parser("appointment", help="appointments")
    asub = ap.add_subparsers(dest="appointment_command", metavar="ACTION", required=True)

    book = asub.add_parser("book", help="book an appointment; prints the reference and code")
    book.add_argument("--branch", required=True)
    book.add_argument("--service", required=True)
    book.add_argument("--start", required=True, help="ISO time, e.g. 2026-11-24T14:00")
    book.add_argument("--name", required=True)
    book.add_argument("--email")
    book.add_argument("--phone")
    book.add_argument("--notes")
    book.add_argument(
        "--channel", default="phone", choices=["phone", "counter", "online", "import"]
    )
    book.add_argument("--call-by-name", action="store_true")
    book.add_argument("--assistance", action="store_true")
    book.add_argument(
        "--language", default="nl", help="language of the letter and e-mail (nl, en, de, ...)"
    )
    book.add_argument(
        "--override",
        choices=sorted(OVERRIDE_REASONS),
        help="team leader: book beyond the plan's capacity, with this reason",
    )
    add_json(book)
    book.set_defaults(func=_book)

    slots = asub.add_parser("slots", help="free start times of a service on a day")
    slots.add_argument("--branch", required=True)
    slots.add_argument("--service", required=True)
    slots.add_argument("--date", required=True, help="e.g. 2026-11-24")
    add_json(slots)
    slots.set_defaults(func=_slots)

    show = asub.add_parser("show", help="show an appointment and its codes")
    show.add_argument("--reference", required=True)
    add_json(show)
    show.set_defaults(func=_show)

    cancel = asub.add_parser("cancel", help="cancel an appointment")
    cancel.add_argument("--reference", required=True)
    add_json(cancel)
    cancel.set_defaults(func=_cancel)

    checkin = asub.add_parser("checkin", help="check in with the code, short code or reference")
    group = checkin.add_mutually_exclusive_group(required=True)
    group.add_argument("--code", help="the code from the QR, or the short code")
    group.add_argument("--reference", help="the appointment reference (reception)")
    checkin.add_argument("--branch", help="the branch where the visitor is")
    add_json(checkin)
    checkin.set_defaults(func=_checkin)
