"""The simulated athlete: a runner with planted truths, written as real files.

- :class:`deliberun.sim.simulation.Simulation` — day-by-day simulation of a scenario
  (``sessions()`` yields each run, ``truth()`` the planted truth);
- :func:`deliberun.sim.output.write_simulation` — the Strava export layout, the
  runner's journal and plan, and ``truth.json``;
- :data:`deliberun.sim.scenarios.SCENARIOS` — the named scenarios;
- :mod:`deliberun.sim.writers` — FIT (own numpy encoder), GPX and TCX writers.

See docs/simulation.md.
"""
