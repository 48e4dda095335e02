"""How the command line answers an error: the one place (the root group, ``ErrorMappingGroup``).

- a ``DeliberunError`` (the contract of ``deliberun.errors``): ``Error: <message>``
  on stderr and its ``exit_code``;
- a library refusal that predates the contract (``ValueError`` with a message that
  says the fix, an ``OSError`` naming a file, a database failure): ``Error: ...``,
  exit 1;
- anything else is a programming error: a short message and a hint to rerun with
  ``--debug`` (which shows the traceback), exit 70.

With ``--json`` the error is also the one JSON document on stdout
(``{"error": "..."}``), so a script reading stdout always gets JSON.
"""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from deliberun.cli.output import print_json, safe, stderr
from deliberun.errors import EXIT_INTERNAL, DeliberunError

#: Expected failures that are not (yet) a ``DeliberunError``: exit 1.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError)


def one_line(exc: BaseException) -> str:
    """The error as one line; a database error names the database and what to do."""
    from deliberun.services.errors import DatabaseFailure, database_message

    if isinstance(exc, DatabaseFailure):
        return database_message(exc)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _expected(exc: BaseException) -> bool:
    from deliberun.services.errors import DatabaseFailure

    return isinstance(exc, (DeliberunError, DatabaseFailure, *LIBRARY_ERRORS))


def exit_code(exc: BaseException) -> int:
    """The exit code ``exc`` ends the command with."""
    if isinstance(exc, DeliberunError):
        return exc.exit_code
    return 1 if _expected(exc) else EXIT_INTERNAL


def report(exc: BaseException, *, as_json: bool) -> int:
    """Print ``exc`` for the runner (stderr; and stdout as JSON with ``--json``);
    return the exit code."""
    code = exit_code(exc)
    if code == EXIT_INTERNAL:
        message = (
            f"internal error ({type(exc).__name__}: {one_line(exc)}); "
            "this is a bug in deliberun: rerun with --debug for the traceback"
        )
    else:
        message = one_line(exc)
    stderr.print(f"[red]Error:[/red] {safe(message)}", highlight=False)
    if as_json:  # the contract: one JSON document on stdout
        print_json({"error": message})
    return code


class ErrorMappingGroup(TyperGroup):
    """The root command group: every command's error is answered here, once.

    ``--debug`` (``ctx.obj["debug"]``) lets the exception through with its traceback.
    Typer's own exceptions (usage errors, exit 2; ``typer.Exit``) pass unchanged.
    """

    def invoke(self, ctx: Any) -> Any:
        args = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            if (ctx.obj or {}).get("debug") or os.environ.get("DELIBERUN_DEBUG"):
                raise
            raise typer.Exit(report(exc, as_json="--json" in args)) from None
