"""io layer of deliberun (see ../shared/design/ARCHITECTURE.md).

Entry points: :func:`read_bytes` (one activity from bytes, any supported format)
and :func:`deliberun.io.sources.iter_sources` (files, folders, archives, exports).
"""

from deliberun.io.sniff import read_bytes, sniff

__all__ = ["read_bytes", "sniff"]
