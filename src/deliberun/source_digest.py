"""The code part of a stored value's key: a SHA-1 of the source files that compute it.

Stored race verdicts and session types (``services.verdict_keys``), stored practice
sessions (``services.practice_sessions``) and stored group lines (``services.group``) each
key their values by the code that made them, so that a change to that code makes them be
computed again. The files are read as files, not imported (importing the services would
close import cycles). A file that cannot be read (a frozen build without sources) counts
as the package version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import deliberun

#: The package's folder (paths in the digest are relative to it).
PACKAGE = Path(deliberun.__file__).resolve().parent


def source_digest(files: Iterable[Path]) -> str:
    """SHA-1 of each file's path (relative to the package) and bytes, in the given order;
    the package version for a file that cannot be read, or when there is none."""
    version = str(getattr(deliberun, "__version__", "?")).encode()
    h = hashlib.sha1()
    seen = False
    for p in files:
        seen = True
        try:
            data = p.read_bytes()
        except OSError:
            data = version
        name = p.resolve().relative_to(PACKAGE).as_posix() if p.is_absolute() else str(p)
        h.update(name.encode() + b"\0" + data + b"\0")
    if not seen:
        h.update(version)
    return h.hexdigest()
