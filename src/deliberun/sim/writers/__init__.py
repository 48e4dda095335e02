"""Activity writers for the simulated athlete: FIT (own encoder), GPX and TCX.

Kept next to the simulator: they write what a watch or Strava would, so the
readers in ``deliberun.io`` can be tested on files whose truth is known.
"""

from deliberun.sim.writers.fit import fit_crc, write_fit
from deliberun.sim.writers.gpx import write_gpx
from deliberun.sim.writers.tcx import write_tcx
from deliberun.sim.writers.track import Track, TrackLap

__all__ = ["Track", "TrackLap", "fit_crc", "write_fit", "write_gpx", "write_tcx"]
