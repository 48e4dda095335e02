"""``deliberun nemesis``: workout types that keep getting the best of you, with ranked
likely causes (``deliberun.services.practice.nemeses``)."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from deliberun.cli.args import JSON, db_of, today
from deliberun.cli.output import print_json, stdout, table
from deliberun.units import plain


def nemesis(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Workout types that keep getting the best of you, with ranked likely causes.

    Example: deliberun nemesis
    """
    from deliberun.services import practice as svc

    found = svc.nemeses(db_of(ctx), today=today())
    if as_json:
        print_json([n.to_dict() for n in found])
        return
    if not found:
        stdout.print(
            "No nemesis workout: no workout type is failing clearly more often lately "
            "than it usually does (half or more of its last 6 attempts, and more than "
            "its own record before)."
        )
        return

    def eff(c: Any) -> str:
        return (
            f"{c.effect:+.1f} pts fade" if c.outcome == "last_rep_fade_pct" else f"{c.effect:+.0%}"
        )

    def iv(c: Any) -> str:
        lo, hi = c.interval_90
        if c.outcome == "last_rep_fade_pct":
            return f"{lo:+.1f} .. {hi:+.1f}"
        return f"{lo:+.0%} .. {hi:+.0%}"

    for n in found:
        base = (
            f" (earlier {n.baseline_failures} of {n.baseline_attempts}, p={n.p_flag:.3f})"
            if n.p_flag is not None
            else ""
        )
        stdout.print(
            f"[bold]{n.workout_type}[/bold]: failed {n.failures} of {n.attempts} recent "
            f"attempts{base}"
        )
        stdout.print(f"  {escape(n.explanation())}")
        stdout.print(
            table(
                None,
                ["cause", "effect", "90% interval", "p", "adjusted p", "adverse group"],
                [
                    [
                        plain(c.cause),
                        eff(c),
                        iv(c),
                        f"{c.p_value:.3f}",
                        f"{c.p_adjusted:.3f}",
                        escape(c.adverse)
                        + (
                            f" (goes with {c.confounded_with}: the data cannot tell them apart)"
                            if c.confounded_with
                            else ""
                        ),
                    ]
                    for c in n.causes
                ],
            )
        )
        for sg in n.suggestions:
            stdout.print(f"  try: {sg.advice} (deliberun experiment suggest --save)")
