"""``deliberun plan move|swap|replace|skip``: edit the current plan (registered on the
plan group by ``cmd_plan``). Refusals come from ``deliberun.services.plan`` with the reason."""

from __future__ import annotations

from typing import Any

import typer

from deliberun.cli.args import JSON, db_of, parse_date, today
from deliberun.cli.output import fail, print_json, stderr, stdout
from deliberun.units import workout_words


def _edited(days: list[Any]) -> None:
    stderr.print(f"plan updated ({len(days)} workouts)", highlight=False)


def plan_move(
    ctx: typer.Context,
    day_arg: str = typer.Argument(None, metavar="[DATE]", help="Day of the workout (YYYY-MM-DD)."),
    to_arg: str = typer.Argument(None, metavar="[TO]", help="Day to move it to (YYYY-MM-DD)."),
    from_day: str = typer.Option(
        None, "--from", help="Day of the workout to move (YYYY-MM-DD).", show_default=False
    ),
    to_day: str = typer.Option(
        None, "--to", help="Day to move it to (YYYY-MM-DD).", show_default=False
    ),
    workout_id: int = typer.Option(
        None, "--id", help="The workout's id (plan show lists them).", show_default=False
    ),
    as_json: bool = JSON,
) -> None:
    """Move a planned workout to another day, by its date or by its id.

    Refused, with the reason, when the new day already has a session, lies in the
    past or before the plan starts, or when the day holds two sessions (give --id).

    Example: deliberun plan move --from 2027-03-02 --to 2027-03-03
    """
    from deliberun.services.plan_view import move

    if day_arg is not None and from_day is not None:
        fail("give the workout's day once: DATE or --from DATE", 2)
    if to_arg is not None and to_day is not None:
        fail("give the new day once: TO or --to DATE", 2)
    source = from_day or day_arg
    target = to_day or to_arg
    if target is None:
        fail("say where to move it: --to YYYY-MM-DD", 2)
    if (source is None) == (workout_id is None):
        fail("say which workout: --from YYYY-MM-DD or --id N (plan show lists the ids)", 2)
    to = parse_date(target)
    day = None if source is None else parse_date(source)
    done = move(db_of(ctx), to, today=today(), workout_id=workout_id, day=day)
    if as_json:
        print_json(done.to_dict())
        return
    moved, before = done.moved, done.from_date
    stdout.print(
        f"Moved #{moved.id} ({workout_words(moved.workout_type, moved.text)}) "
        f"from {before} ({before:%a}) to {moved.date} ({moved.date:%a}).",
        highlight=False,
    )


def plan_swap(
    ctx: typer.Context, a: str = typer.Argument(...), b: str = typer.Argument(...)
) -> None:
    """Swap the workouts of two dates. Example: deliberun plan swap 2027-03-02 2027-03-04"""
    from deliberun.services import plan as svc

    _edited(svc.edit(db_of(ctx), "swap", parse_date(a), parse_date(b)))


def plan_replace(
    ctx: typer.Context,
    day: str = typer.Argument(...),
    text: str = typer.Argument(...),
    workout_type: str = typer.Option(None, "--type", help="New workout type."),
) -> None:
    """Replace a day's workout. Example: deliberun plan replace 2027-03-02 "8km E" --type easy"""
    from deliberun.services import plan as svc

    _edited(svc.edit(db_of(ctx), "replace", parse_date(day), text, workout_type))


def plan_skip(ctx: typer.Context, day: str = typer.Argument(...)) -> None:
    """Mark a day's workout skipped. Example: deliberun plan skip 2027-03-02"""
    from deliberun.services import plan as svc

    _edited(svc.edit(db_of(ctx), "skip", parse_date(day)))
