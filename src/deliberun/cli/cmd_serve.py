"""``deliberun serve``: the local dashboard (see docs/dashboard.md)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import typer

from deliberun.cli.output import fail, stderr

LOCAL_HOSTS = {"localhost"}
WILDCARDS = {"0.0.0.0", "::", ""}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        envvar="DELIBERUN_HOST",
        help="Address to bind (default: local only).",
    ),
    port: int = typer.Option(8765, "--port", envvar="DELIBERUN_PORT", help="Port to listen on."),
    open_browser: bool = typer.Option(
        False, "--open", envvar="DELIBERUN_OPEN", help="Open the dashboard in a browser."
    ),
    read_only: bool = typer.Option(
        False, "--read-only", envvar="DELIBERUN_READ_ONLY", help="Refuse every write (403)."
    ),
    multi: bool = typer.Option(
        False,
        "--multi",
        envvar="DELIBERUN_MULTI",
        help="Coach mode: logins (deliberun user add), each user sees only their athletes.",
    ),
    multi_on_sqlite: bool = typer.Option(
        False,
        "--multi-on-sqlite",
        help="Allow --multi on a SQLite file (a small group on one machine; see docs/coach.md).",
    ),
    secure_cookies: bool = typer.Option(
        False,
        "--secure-cookies",
        envvar="DELIBERUN_SECURE_COOKIES",
        help="--multi behind a TLS proxy: send the login cookie over https only.",
    ),
    public_host: str = typer.Option(
        None,
        "--public-host",
        envvar="DELIBERUN_PUBLIC_HOST",
        metavar="NAME[:PORT]",
        help="The name browsers use through a reverse proxy (e.g. coach.example.org).",
    ),
    session_hours: float = typer.Option(
        12.0, "--session-hours", envvar="DELIBERUN_SESSION_HOURS", help="--multi: login lifetime."
    ),
) -> None:
    """Serve the dashboard on http://127.0.0.1:8765 (--multi: behind logins, for a coach).

    Example: deliberun serve --open
    """
    import uvicorn

    from deliberun.cli.dbopen import open_db
    from deliberun.store.db import Database
    from deliberun.web.app import create_app
    from deliberun.web.security import allowed_hosts, public_name

    if not 0 < port < 65536:
        fail(f"--port {port} is out of range: use 1–65535", code=2)
    if multi and not session_hours > 0:
        fail(f"--session-hours {session_hours} must be positive", code=2)
    if (multi_on_sqlite or secure_cookies) and not multi:
        fail("--multi-on-sqlite and --secure-cookies go with --multi", code=2)
    if not is_loopback(host):
        stderr.print(
            f"[yellow]Warning:[/yellow] binding {host}: anyone who can reach this machine "
            "can read your training data. Use the default 127.0.0.1 unless you mean it.",
            highlight=False,
        )
    sock = bind(host, port)  # before anything is announced: a busy port says so, exit 1
    pinned = (ctx.obj or {}).get("today")
    hosts = allowed_hosts(host, port)
    if host in WILDCARDS:  # reachable from the network by this machine's name too
        hosts |= allowed_hosts(socket.gethostname(), port)
    if public_host:  # a reverse proxy passes the browser's Host (and Origin) through
        hosts |= {public_name(public_host)}
    app: Any
    if multi:  # every athlete's logins: no one athlete to resolve
        from deliberun.web.multi import create_multi_app

        url = Database((ctx.find_root().obj or {}).get("db")).url
        refuse_multi(url, multi_on_sqlite)
        app = create_multi_app(
            url, read_only=read_only, hosts=hosts, today=pinned,
            secure_cookies=secure_cookies, session_hours=session_hours, warm=True,
        )  # fmt: skip
    else:
        app = _group_app(ctx, read_only, hosts, pinned)
    if app is None:  # one athlete, or the one --athlete names: their dashboard as ever
        db = open_db(ctx)
        app = create_app(
            db.url, read_only=read_only, warm=True, hosts=hosts, today=pinned, athlete=db.athlete
        )
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    stderr.print(
        f"deliberun dashboard on {address}{' (read-only)' if read_only else ''}"
        f"{' with logins (coach mode)' if multi else ''} — Ctrl+C to stop",
        highlight=False,
    )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(address,)).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def refuse_multi(url: str, on_sqlite: bool) -> None:
    """Exit 2 unless ``--multi`` has a server database or was allowed on SQLite."""
    from deliberun.store.db import sqlite_files

    if not url.startswith("sqlite") or on_sqlite:
        return
    if sqlite_files(url) is None:
        fail("--multi needs a database file or a PostgreSQL URL, not an in-memory one", code=2)
    fail(
        "--multi serves several people's logins from one database: use PostgreSQL "
        "(--db postgresql+psycopg://...), or add --multi-on-sqlite for a small group on "
        "this machine (SQLite takes one writer at a time and lives on this disk only)",
        code=2,
    )


def _group_app(ctx: typer.Context, read_only: bool, hosts: frozenset[str], pinned: Any) -> Any:
    """The group dashboard when the database holds several athletes and no ``--athlete``
    (or ``DELIBERUN_ATHLETE``) names one; else None."""
    import os

    from deliberun.services.athletes import list_athletes
    from deliberun.store.db import Database
    from deliberun.web.group_app import create_group_app

    obj = ctx.find_root().obj or {}
    if obj.get("athlete") or os.environ.get("DELIBERUN_ATHLETE"):
        return None
    db = Database(obj.get("db"))
    try:
        if len(list_athletes(db)) < 2:
            return None
        return create_group_app(db.url, read_only=read_only, today=pinned, hosts=hosts, warm=True)
    finally:
        db.dispose()


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or a one-line error (port taken, bad address)."""
    import errno

    try:
        family, kind, proto, _, addr = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(
                f"port {port} is already in use on {host} (another dashboard?); "
                "stop it or choose another --port"
            )
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port")
    return sock


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("serve")(serve)
