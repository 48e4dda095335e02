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
) -> None:
    """Serve the dashboard on http://127.0.0.1:8765.

    Example: deliberun serve --open
    """
    import uvicorn

    from deliberun.cli.dbopen import open_db
    from deliberun.web.app import create_app
    from deliberun.web.security import allowed_hosts

    if not 0 < port < 65536:
        fail(f"--port {port} is out of range: use 1–65535", code=2)
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
    app: Any = _group_app(ctx, read_only, hosts, pinned)
    if app is None:  # one athlete, or the one --athlete names: their dashboard as ever
        db = open_db(ctx)
        app = create_app(
            db.url, read_only=read_only, warm=True, hosts=hosts, today=pinned, athlete=db.athlete
        )
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    stderr.print(
        f"deliberun dashboard on {address}{' (read-only)' if read_only else ''} — Ctrl+C to stop",
        highlight=False,
    )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(address,)).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


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
        return create_group_app(db.url, read_only=read_only, today=pinned, hosts=hosts)
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
