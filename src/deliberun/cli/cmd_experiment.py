"""The ``experiment`` commands: create (plan and randomise), list, show, end, suggest.

Part of the practice area (helpers from ``cmd_practice``); logic in
``deliberun.services.practice`` and ``services.practice_experiments``.
"""

from __future__ import annotations

import typer

from deliberun.cli.cmd_practice import JSON, _date, _db, _today
from deliberun.cli.output import print_json, stdout, table

experiment_app = typer.Typer(
    help="n-of-1 experiments: change one thing, let the data judge.\n\n"
    "Example: deliberun experiment create rest-longer --change '50% more rest' "
    "--metric last_rep_fade_pct --workout-type intervals --change-date 2026-03-01",
    no_args_is_help=True,
)


# --------------------------------------------------------------------------- experiment


@experiment_app.command("create")
def experiment_create(
    ctx: typer.Context,
    exp_id: str = typer.Argument(..., help="Short id, e.g. rest-longer."),
    change: str = typer.Option(..., "--change", help="What changes."),
    metric: str = typer.Option(
        ..., "--metric", help="Outcome metric (e.g. last_rep_fade_pct, rpe)."
    ),
    workout_type: str = typer.Option(None, "--workout-type", help="Only sessions of this type."),
    assignment: str = typer.Option(
        "randomised",
        "--assignment",
        help="randomised (default: the arm of each coming session drawn now, a coin flip "
        "within pairs), alternating (A, B, A, B in date order) or before_after.",
    ),
    start: str = typer.Option(None, "--start", help="First day counted (YYYY-MM-DD)."),
    change_date: str = typer.Option(
        None, "--change-date", help="Day of the change (before_after)."
    ),
    end: str = typer.Option(None, "--end", help="Last day counted."),
    sessions: int = typer.Option(
        None,
        "--sessions",
        help="Planned sessions, both arms (default: enough for the "
        "smallest worthwhile change, at most a season).",
    ),
    seed: int = typer.Option(None, "--seed", help="Seed of the randomised draw (default: random)."),
    as_json: bool = JSON,
) -> None:
    """Create an experiment: shows what it can find (minimum detectable effect, sessions
    needed, from your own variability) and, randomised, the arm of each coming session.

    Example: deliberun experiment create rest-longer --change '50% more rest'
    --metric last_rep_fade_pct --workout-type intervals
    """
    from deliberun.practice.experiment_design import pre_period_words
    from deliberun.practice.experiments import ExperimentSpec
    from deliberun.practice.session import get_outcome_metric
    from deliberun.services import practice_experiments as xsvc

    spec = ExperimentSpec(
        exp_id,
        change,
        metric,
        workout_type,
        assignment,
        _date(start, "--start"),
        _date(change_date, "--change-date"),
        _date(end, "--end"),
    )
    if assignment == "alternating" and not as_json:
        stdout.print(
            "[yellow]Alternating in date order lines the arms up with your weekly schedule; "
            "the weekday and time of day become covariates and the verdict is withheld when "
            "they separate the arms. The randomised design avoids this.[/]",
            highlight=False,
        )
    spec, plan = xsvc.create_experiment(
        _db(ctx), spec, today=_today(), sessions_planned=sessions, seed=seed
    )
    m = get_outcome_metric(metric)
    if as_json:
        print_json(
            {
                **spec.to_dict(),
                "design": spec.assignment,
                "sd": plan.sd,
                "sd_source": plan.sd_source,
                "sessions_for_smallest_worthwhile": plan.needed_for_worthwhile,
                "warnings": (
                    pre_period_words(spec.start, spec.change_date, plan.n_pre)[1:]
                    if spec.assignment == "before_after" and spec.start and spec.change_date
                    else []
                ),
                "arms": ["AB"[a] for a in spec.arms] if spec.arms else None,
            }
        )
        return
    stdout.print(f"Created experiment {exp_id} ({spec.assignment}).")
    stdout.print(plan.sentence(m.unit, m.smallest_worthwhile), highlight=False)
    if spec.assignment == "before_after" and spec.start and spec.change_date:
        first, *warn = pre_period_words(spec.start, spec.change_date, plan.n_pre)
        stdout.print(first, highlight=False)
        for w in warn:
            stdout.print(f"[yellow]Warning:[/] {w}", highlight=False)
    if spec.arms:
        stdout.print(
            "Arms of your next sessions"
            f"{' of type ' + workout_type if workout_type else ''} (A without, B with the "
            f"change): {' '.join('AB'[a] for a in spec.arms)}",
            highlight=False,
        )


@experiment_app.command("list")
def experiment_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """All experiments.

    Example: deliberun experiment list
    """
    from deliberun.services import practice as svc

    specs = svc.list_experiments(_db(ctx))
    if as_json:
        print_json([{"id": x.id, "change": x.change, "status": x.status} for x in specs])
        return
    stdout.print(
        table(
            "Experiments",
            ["id", "change", "metric", "workout type", "assignment", "status"],
            [[x.id, x.change, x.metric, x.workout_type, x.assignment, x.status] for x in specs],
        )
    )


@experiment_app.command("show")
def experiment_show(
    ctx: typer.Context,
    exp_id: str = typer.Argument(..., help="Experiment id."),
    as_json: bool = JSON,
) -> None:
    """The verdict: effect with 90% interval, permutation p-value, sessions used.

    Example: deliberun experiment show rest-longer
    """
    from deliberun.services import practice as svc

    res = svc.show_experiment(_db(ctx), exp_id, today=_today())
    if as_json:
        print_json(res.to_dict())
        return
    stdout.print(res.sentence())
    stdout.print(f"Sessions A (before/without): {', '.join(map(str, res.sessions_a)) or '-'}")
    stdout.print(f"Sessions B (with the change): {', '.join(map(str, res.sessions_b)) or '-'}")
    if res.spec.min_detectable_effect is not None:
        stdout.print(
            f"Planned: {res.planned_sessions} sessions, minimum detectable effect "
            f"{res.spec.min_detectable_effect:.2f}.",
            highlight=False,
        )
    if res.placebo:
        pl = res.placebo
        stdout.print(
            f"Placebo check (pre-period split on {pl['change_date']}): "
            f"{pl['effect']:+.2f}, p={pl['p_value']:.3f}"
            f"{' - claims an effect where nothing changed' if pl['claims_effect'] else ''}.",
            highlight=False,
        )
    for note in res.notes:
        stdout.print(f"[yellow]Warning:[/] {note}", highlight=False)


@experiment_app.command("end")
def experiment_end(
    ctx: typer.Context,
    exp_id: str = typer.Argument(..., help="Experiment id."),
    on: str = typer.Option(None, "--date", help="Last day counted (default: today)."),
    abandon: bool = typer.Option(False, "--abandon", help="Mark it abandoned, not done."),
    as_json: bool = JSON,
) -> None:
    """Close an experiment: later sessions no longer count; its verdict stays.

    Example: deliberun experiment end rest-longer --date 2026-05-01
    """
    from deliberun.services import practice as svc

    spec = svc.end_experiment(
        _db(ctx),
        exp_id,
        end=_date(on, "--date") or _today(),
        status="abandoned" if abandon else "done",
    )
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(f"Experiment {exp_id} {spec.status}, counting sessions up to {spec.end}.")


@experiment_app.command("suggest")
def experiment_suggest(
    ctx: typer.Context,
    save: bool = typer.Option(False, "--save", help="Store the suggested experiments."),
    as_json: bool = JSON,
) -> None:
    """Experiments suggested by your nemesis workouts.

    Example: deliberun experiment suggest --save
    """
    from deliberun.services import practice as svc

    db = _db(ctx)
    sugg = svc.suggest_experiments(db, today=_today())
    if save:  # stored as randomised experiments, planned and drawn like `create`
        from deliberun.services import practice_experiments as xsvc

        for sg in sugg:
            sg.experiment.assignment = "randomised"
            xsvc.create_experiment(db, sg.experiment, today=_today(), replace=True)
    if as_json:
        print_json(
            [{"cause": sg.cause, "advice": sg.advice, **sg.experiment.to_dict()} for sg in sugg]
        )
        return
    if not sugg:
        stdout.print("Nothing to suggest: no nemesis workout with a likely cause.")
    for sg in sugg:
        stdout.print(
            f"{sg.experiment.id}: {sg.advice} (cause: {sg.cause}, metric {sg.experiment.metric})"
        )


def register(app: typer.Typer) -> None:
    """Add the ``experiment`` group to the root app (after ``cycle`` and ``target``)."""
    app.add_typer(experiment_app, name="experiment")
