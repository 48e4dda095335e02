"""runpandas reading activity files: run inside its own venv (not deliberun's).

runpandas needs pandas < 2 (it fails on pandas 3), so it lives in
``bench/out/rp-venv``::

    python3 -m venv bench/out/rp-venv
    bench/out/rp-venv/bin/pip install runpandas 'pandas<2' 'numpy<2'
    bench/out/rp-venv/bin/python bench/runpandas_bench.py FILE...

Prints JSON: ``{"versions": {...}, "files": {name: {"seconds", "cpu_s", "rows"} | {"error"}}}``,
one warm-up read first (so imports are not timed), then each file once.
``bench/import_archive_bench.py`` calls it and times deliberun on the same files.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path


def main(paths: list[str]) -> None:
    import pandas
    import runpandas

    warnings.simplefilter("ignore")
    out: dict[str, dict[str, object]] = {}
    if paths:
        try:
            runpandas.read_file(paths[0])  # warm-up: lazy imports inside runpandas
        except Exception:  # noqa: BLE001 - reported per file below
            pass
    for p in paths:
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            df = runpandas.read_file(p)
        except Exception as exc:  # noqa: BLE001 - a failure is a result here
            out[Path(p).name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        out[Path(p).name] = {
            "seconds": time.perf_counter() - t0,
            "cpu_s": time.process_time() - c0,
            "rows": int(len(df)),
        }
    versions = {"runpandas": runpandas.__version__, "pandas": pandas.__version__}
    print(json.dumps({"versions": versions, "files": out}))


if __name__ == "__main__":
    main(sys.argv[1:])
