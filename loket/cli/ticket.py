"""``loket ticket``: one command per queue operation."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services
from loket.tickets import CALL_REASONS, OUTCOMES
from loket.views import TicketView


def _show(args: argparse.Namespace, ticket: TicketView, verb: str) -> int:
    extra = ""
    if ticket.status == "waiting" and ticket.predicted_wait_minutes is not None:
        extra = f", verwachte wachttijd {ticket.predicted_wait_minutes} min"
    elif ticket.status == "waiting" and ticket.wait_note:
        extra = f". {ticket.wait_note.rstrip('.')}"
    if ticket.counter is not None and ticket.status == "called":
        extra = f" naar balie {ticket.counter}"
    emit(args, ticket, f"{ticket.number} ({ticket.service_name}) {verb}{extra}.")
    return 0


def _issue(args: argparse.Namespace) -> int:
    ticket = services(args).issue_ticket(
        args.branch, args.service, needs_assistance=args.assistance, let_in=args.let_in
    )
    return _show(args, ticket, "uitgegeven")


def _call(args: argparse.Namespace) -> int:
    loket = services(args)
    ticket: TicketView | None
    why = ""
    if args.number:
        ticket = loket.call_ticket(args.branch, args.counter, args.number, args.reason or "")
    else:
        ticket, why = loket.call_next_or_why(args.branch, args.counter)
    if ticket is None:
        emit(args, {"ticket": None, "message": why}, why)
        return 0
    return _show(args, ticket, "opgeroepen")


def _simple(action: str, verb: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        loket = services(args)
        if action == "finish":
            ticket = loket.finish(args.branch, args.number, args.outcome)
        elif action == "park":
            ticket = loket.park(args.branch, args.number, args.note)
        elif action == "transfer":
            ticket = loket.transfer(
                args.branch,
                args.number,
                service=args.to_service,
                counter=args.to_counter,
                note=args.note,
            )
        else:
            ticket = getattr(loket, action)(args.branch, args.number)
        return _show(args, ticket, verb)

    return run


def register(sub: argparse._SubParsersAction) -> None:
    ticket = sub.add_parser("ticket", help="queue operations on tickets")
    tsub = ticket.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)

    issue = tsub.add_parser("issue", help="issue a walk-in ticket")
    issue.add_argument("--branch", required=True)
    issue.add_argument("--service", required=True)
    issue.add_argument("--assistance", action="store_true", help="the visitor needs help")
    issue.add_argument(
        "--let-in",
        action="store_true",
        help="let a walk-in in during appointment-only hours (reception, team leader)",
    )
    add_json(issue)
    issue.set_defaults(func=_issue)

    call = tsub.add_parser("call", help="call the next ticket (or --number) to a counter")
    call.add_argument("--branch", required=True)
    call.add_argument("--counter", required=True, type=int)
    call.add_argument("--number", help="call this ticket instead of the next one")
    call.add_argument(
        "--reason", choices=sorted(CALL_REASONS), help="why this ticket (required with --number)"
    )
    add_json(call)
    call.set_defaults(func=_call)

    actions = [
        ("recall", "recall", "opnieuw opgeroepen", "call the ticket again"),
        ("start", "start", "wordt geholpen", "start serving the called ticket"),
        ("finish", "finish", "afgerond", "finish serving, with an outcome"),
        ("no-show", "no_show", "niet gekomen", "the visitor did not come after the calls"),
        ("park", "park", "apart gezet", "put the ticket aside for a while"),
        ("transfer", "transfer", "doorgestuurd", "send to another service or counter"),
        ("cancel", "cancel_ticket", "geannuleerd", "cancel a waiting ticket"),
    ]
    for name, action, verb, help_text in actions:
        p = tsub.add_parser(name, help=help_text)
        p.add_argument("--branch", required=True)
        p.add_argument("--number", required=True, help="ticket number, e.g. A12")
        if action == "finish":
            p.add_argument("--outcome", default="helped", choices=sorted(OUTCOMES))
        if action in ("park", "transfer"):
            p.add_argument("--note", default="", help="note for the colleague")
        if action == "transfer":
            p.add_argument("--to-service")
            p.add_argument("--to-counter", type=int)
        add_json(p)
        p.set_defaults(func=_simple(action, verb))
