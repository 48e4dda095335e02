"""A real uvicorn server on 127.0.0.1 in a thread, for tests that speak real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from free_port import free_port


def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free port; yield its base URL, stop it after (``yield from``)."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
