"""``web.memory.settle``: after ``deliberun serve``'s first warm-up, what is alive is frozen
out of the cyclic collector's walk (its full collections cost one cold page in five ~70 ms
on the 10-year archive). Run in a child process: freezing a test worker would keep every
later test's cycles."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import gc, sys, time
    from datetime import date
    from fastapi.testclient import TestClient
    from deliberun.web.app import create_app

    assert gc.get_freeze_count() == 0
    app = create_app(sys.argv[1], today=date(2024, 5, 1), warm=True)
    with TestClient(app) as client:  # runs the lifespan: the warm-up thread
        deadline = time.monotonic() + 120
        while gc.get_freeze_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        frozen = gc.get_freeze_count()
        assert client.get("/today").status_code == 200
    from deliberun.web import memory
    print(frozen, memory.settle())
    """
)


def test_the_first_warm_up_freezes_what_is_alive_once(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "d.db")],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    frozen, again = out.stdout.split()
    assert int(frozen) > 10_000  # the modules, compiled queries and templates
    assert again == "False"  # once per process
