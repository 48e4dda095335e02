"""The athlete over time: pure models (see docs/models.md).

- ``load``: fitness, fatigue and form (CTL/ATL/TSB), rest days, most load for a form floor
- ``load_ratios``: ACWR (rolling coupled/uncoupled, EWMA), monotony and strain, weekly totals
- ``vdot``: Daniels/Gilbert VDOT, race equivalence, training paces
- ``predict``: Riegel (published and own exponent), critical speed, marathon shape
- ``thresholds``: max/resting/threshold HR and threshold pace from activities, with evidence
- ``banister``: the Banister impulse-response model, fitted, and projections
- ``race_input``: parse the distances and times a runner types

Nothing is imported here (no registration as a side effect of import).
"""
