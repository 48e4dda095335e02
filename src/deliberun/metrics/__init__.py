"""metrics layer of deliberun: what each run was, measured the way coaches read it.

``compute_all(activity, settings)`` gives every per-activity metric as one
JSON-able dict; the modules hold the pure functions it is made of
(``cleaning``, ``grade``, ``splits``, ``best``, ``intervals``, ``heart``,
``cadence``, ``load``, ``thresholds``). See docs/metrics.md.
"""

from deliberun.metrics.compute import METRICS_VERSION, compute_all

__all__ = ["METRICS_VERSION", "compute_all"]
