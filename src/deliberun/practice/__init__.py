"""practice layer of deliberun: the deliberate-practice loop, pure (see docs/practice.md).

- ``session``: the :class:`Session` dataclass, failure rules, outcome-metric registry
- ``cycles``, ``targets``: cycles of 2-3 targets, the target catalogue and progress
- ``comfort``: comfort / stretch / over-reach per session and the cycle view
- ``journal``, ``journal_file``: journal entries, expected RPE, the YAML file parser
- ``nemesis``: workout types that keep failing, ranked causes, suggested experiments
- ``experiments``: n-of-1 experiment analysis and verdicts
- ``review``: weekly review, today's advice, cycle retrospective (Markdown / JSON)
- ``stats``: permutation tests, bootstrap, robust trends, power
- ``synthetic``: session generators with planted effects (tests and bench)
"""
