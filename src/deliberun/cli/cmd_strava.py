"""Commands of the Strava sync: ``strava connect|disconnect|status`` and ``sync``."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, stderr, stdout, table

strava_app = typer.Typer(
    help="Connect deliberun to your Strava account (your own API application).\n\n"
    "Example: deliberun strava connect --client-id 12345 --client-secret abc123",
    no_args_is_help=True,
)


@strava_app.command("connect")
def connect_cmd(
    client_id: str = typer.Option(None, "--client-id", help="Your API application's client id."),
    client_secret: str = typer.Option(
        None, "--client-secret", help="Your API application's client secret."
    ),
    code: str = typer.Option(
        None, "--code", help="Finish with a code pasted from the redirect (no browser here)."
    ),
    port: int = typer.Option(0, "--port", help="Listener port on 127.0.0.1 (default: any free)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Only print the URL."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds to wait for the browser."),
) -> None:
    """Authorize deliberun to read your Strava activities (OAuth 2).

    Example: deliberun strava connect --client-id 12345 --client-secret abc...
    """
    from deliberun.services import strava_connect as sc
    from deliberun.strava.client import StravaError

    def show(url: str) -> None:
        stderr.print("Open this page to authorize deliberun (waiting for Strava's redirect):")
        stderr.print(url, soft_wrap=True, highlight=False)

    try:
        if code:
            tokens = sc.connect_with_code(code, client_id, client_secret)
        else:
            tokens = sc.connect_browser(
                client_id,
                client_secret,
                port=port,
                open_browser=not no_browser,
                timeout_s=timeout,
                show_url=show,
            )
    except (sc.StravaSetupError, StravaError) as exc:
        fail(str(exc))
    stdout.print(
        f"Connected to Strava as {tokens.athlete_name or tokens.athlete_id}; "
        f"tokens saved in {sc.token_store().where()}."
    )


@strava_app.command("disconnect")
def disconnect_cmd() -> None:
    """Revoke deliberun's access on Strava and delete the stored tokens.

    Example: deliberun strava disconnect
    """
    from deliberun.services import strava_connect as sc
    from deliberun.strava.client import StravaError

    try:
        was = sc.disconnect()
    except StravaError as exc:
        fail(f"{exc} (the local tokens were deleted)")
    stdout.print("Disconnected from Strava." if was else "Not connected to Strava.")


@strava_app.command("status")
def status_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Whether deliberun is connected to Strava, and as whom.

    Example: deliberun strava status --json
    """
    from deliberun.services import strava_connect as sc

    st = sc.status()
    if as_json:
        print_json(st)
    elif st["connected"]:
        stdout.print(f"Connected as {st['athlete']} (tokens in {st['token_store']}).")
    else:
        stdout.print("Not connected; run `deliberun strava connect`.")


def sync_cmd(
    ctx: typer.Context,
    since: str = typer.Option(
        None, "--since", help="Re-read everything from this date, YYYY-MM-DD (edits too)."
    ),
    recheck_days: int = typer.Option(
        None,
        "--recheck-days",
        min=0,
        help="Days before the newest stored run checked again for edits and deletions "
        "(default 30, or DELIBERUN_STRAVA_RECHECK_DAYS; about one request per run in them).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would change; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    max_wait: float = typer.Option(
        960.0, "--max-wait", help="Longest rate-limit wait [s] before stopping (resume later)."
    ),
) -> None:
    """Fetch new and edited activities from Strava (after `deliberun strava connect`).

    Runs of the last --recheck-days before the newest stored one are checked again:
    edits on Strava are followed, and a run deleted there is flagged (never removed).

    Example: deliberun sync --since 2026-01-01 --json
    """
    from deliberun.cli.cmd_import import _progress, refresh_thresholds, say_refreshed
    from deliberun.services import strava_sync as sv
    from deliberun.strava.client import StravaError

    since_d: date | None = None
    if since is not None:
        try:
            since_d = date.fromisoformat(since)
        except ValueError:
            raise typer.BadParameter(
                f"{since!r} is not a date; use YYYY-MM-DD", param_hint="--since"
            ) from None
    db = open_db(ctx)
    try:
        with _progress(quiet or as_json, "syncing", "activities") as progress:
            report = sv.sync(
                db,
                since=since_d,
                recheck_days=recheck_days,
                dry_run=dry_run,
                progress=progress,
                max_wait_s=max_wait,
            )
    except StravaError as exc:
        fail(str(exc))
    except ValueError as exc:  # a bad DELIBERUN_STRAVA_* setting or a damaged token file
        fail(str(exc), code=2)
    refreshed = None
    if not dry_run and (report.new or report.updated):  # new thresholds may follow
        refreshed = refresh_thresholds(db, quiet or as_json)
    if as_json:
        print_json({**report.to_dict(), "recomputed": refreshed})
    else:
        rows: list[list[Any]] = []
        rows += [
            [
                "new",
                d["start_time"][:16].replace("T", " "),
                d.get("name") or "",
                d.get("activity_id") or "",
            ]
            for d in report.new
        ]
        rows += [
            [
                "updated",
                d["start_time"][:16].replace("T", " "),
                d.get("reason") or ", ".join(d.get("changes") or []),
                d.get("activity_id") or "",
            ]
            for d in report.updated
        ]
        rows += [
            ["failed", d["start_time"][:16].replace("T", " "), d["error"], ""]
            for d in report.failed
        ]
        rows += [
            [
                "deleted",
                d["start_time"][:16].replace("T", " "),
                f"{d.get('name') or ''}: deleted on Strava, kept here "
                + ("(would be flagged)" if dry_run else "(flagged)"),
                d.get("activity_id") or "",
            ]
            for d in report.deleted
        ]
        if rows:
            stdout.print(table(None, ["result", "start", "name / change", "activity"], rows))
        stdout.print(
            ("Dry run, nothing written: " if dry_run else "")
            + f"{len(report.new)} new, {len(report.updated)} updated, {len(report.skipped)} "
            f"unchanged, {len(report.failed)} failed, {len(report.deleted)} deleted on Strava "
            f"({report.requests} request{'' if report.requests == 1 else 's'})"
        )
        for d in report.failed:
            stderr.print(
                f"[red]Error:[/red] Strava activity {d['strava_id']}: {d['error']}", highlight=False
            )
        if report.stopped:
            stderr.print(f"[yellow]Stopped:[/yellow] {report.stopped}", highlight=False)
        if refreshed is not None:
            say_refreshed(refreshed)
    if report.failed or report.stopped:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(strava_app, name="strava")
    app.command("sync")(sync_cmd)
