"""plan layer of deliberun: structured workouts, plans, planned vs done (see docs/plans.md).

Pure: plain objects in and out, no database, no clock, no printing. Modules:
``workout`` (step tree), ``text`` (compact text), ``paces`` (VDOT → zone paces),
``library``, ``generate``, ``load`` (planned load, fitness/form projection),
``planned`` (PlannedDay, Plan), ``edit``, ``yaml_io``, ``compliance``, ``adapt``.
"""
