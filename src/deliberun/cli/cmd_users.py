"""Commands ``deliberun user add|list|remove|passwd|coach|uncoach``: the logins of
``deliberun serve --multi`` (docs/coach.md).

Like ``athlete add|list|remove`` they work on the database as a whole (no ``--athlete``).
A password is asked twice at a hidden prompt, or read from the first line of standard
input with ``--password-stdin`` (for scripts); it is never taken as an argument (it would
stay in the shell's history and the process list).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import typer

from deliberun.cli.output import print_json, stderr, stdout, table
from deliberun.services.errors import AccountError
from deliberun.store.db import Database

user_app = typer.Typer(
    help="Logins of the coach dashboard (deliberun serve --multi).\n\n"
    "Example: deliberun user add carla --coach --of alice --of ben",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input."
)
JSON = typer.Option(False, "--json", help="Print one JSON document.")


def _db(ctx: typer.Context) -> Database:
    return Database((ctx.find_root().obj or {}).get("db"))


def _password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    value: str = typer.prompt(
        f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True
    )
    return value


@user_app.command("add")
def add_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The login name (unique)."),
    coach: bool = typer.Option(False, "--coach", help="A coach: sees the athletes given by --of."),
    of: list[str] = typer.Option(  # noqa: B008
        [], "--of", metavar="ATHLETE", help="An athlete the coach coaches (repeat for more)."
    ),
    athlete: str = typer.Option(
        None, "--athlete", metavar="ATHLETE", help="An athlete's own login: the athlete they are."
    ),
    password_stdin: bool = PASSWORD_STDIN,
    as_json: bool = JSON,
) -> None:
    """Add a login: a coach (--coach [--of ATHLETE ...]) or an athlete (--athlete ATHLETE).

    Example: deliberun user add carla --coach --of alice --of ben
    """
    from deliberun.services.accounts import add_user, password_problem

    if coach == bool(athlete):
        raise AccountError("give either --coach [--of ATHLETE ...] or --athlete ATHLETE")
    if of and not coach:
        raise AccountError("--of names a coach's athletes: use it with --coach")
    password = _password(name, password_stdin)
    problem = password_problem(name, password)  # before the database is touched
    if problem:
        raise AccountError(f"password refused: {problem}")
    doc = add_user(
        _db(ctx), name, password, role="coach" if coach else "athlete", athlete=athlete,
        coaches=list(of), now=datetime.now(UTC),
    )  # fmt: skip
    if as_json:
        print_json(doc)
        return
    whom = f"coach of {', '.join(of) or 'no athlete yet'}" if coach else f"athlete {athlete}"
    stderr.print(f"Added user {name} ({whom}); log in at deliberun serve --multi", highlight=False)


@user_app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Every login: its role and whose data it sees (never a password or its hash).

    Example: deliberun user list --json
    """
    from deliberun.services.accounts import list_users

    rows = list_users(_db(ctx))
    if as_json:
        print_json(rows)
        return
    stdout.print(
        table(
            "users",
            ["name", "role", "sees"],
            [(r["name"], r["role"], r["athlete"] or ", ".join(r["coaches"])) for r in rows],
        )
    )


@user_app.command("remove")
def remove_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The login to remove (the athlete's data stays)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    as_json: bool = JSON,
) -> None:
    """Remove a login; its sessions end at once. The athlete's data is kept.

    Example: deliberun user remove carla --yes
    """
    from deliberun.services.accounts import remove_user

    if not yes:
        typer.confirm(f"Remove user {name}?", abort=True, err=True)
    doc = remove_user(_db(ctx), name)
    if as_json:
        print_json(doc)
        return
    stderr.print(f"Removed user {name}", highlight=False)


@user_app.command("passwd")
def passwd_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The login whose password changes."),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Set a new password; every session opened with the old one ends.

    Example: deliberun user passwd carla
    """
    from deliberun.services.accounts import password_problem, set_password

    db = _db(ctx)
    password = _password(name, password_stdin)
    problem = password_problem(name, password)
    if problem:
        raise AccountError(f"password refused: {problem}")
    set_password(db, name, password)
    stderr.print(f"Password of {name} changed", highlight=False)


@user_app.command("coach")
def coach_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The coach."),
    athletes: list[str] = typer.Argument(..., help="Athletes they coach from now on."),  # noqa: B008
    as_json: bool = JSON,
) -> None:
    """Give a coach more athletes.

    Example: deliberun user coach carla dana eli
    """
    _coach(ctx, name, athletes, as_json, stop=False)


@user_app.command("uncoach")
def uncoach_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The coach."),
    athletes: list[str] = typer.Argument(..., help="Athletes they no longer coach."),  # noqa: B008
    as_json: bool = JSON,
) -> None:
    """Take athletes away from a coach (their data stays).

    Example: deliberun user uncoach carla dana
    """
    _coach(ctx, name, athletes, as_json, stop=True)


def _coach(ctx: typer.Context, name: str, athletes: list[str], as_json: bool, stop: bool) -> None:
    from deliberun.services.accounts import coach

    doc = coach(_db(ctx), name, list(athletes), stop=stop)
    if as_json:
        print_json(doc)
        return
    stderr.print(f"{name} coaches {', '.join(doc['coaches']) or 'no athlete'}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``user`` and its subcommands to the root app."""
    app.add_typer(user_app, name="user")
