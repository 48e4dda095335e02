"""Commands of the athlete area: fitness, paces, predict, athlete (and athlete set)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, stderr, stdout, table
from deliberun.store.db import Database
from deliberun.units import clock as format_duration
from deliberun.units import pace, plain

RACE_NAMES = {"5000": "5k", "10000": "10k", "21097.5": "half", "42195": "marathon"}


def _db(ctx: typer.Context) -> Database:
    return open_db(ctx)


def _service() -> Any:
    from deliberun.services import athlete

    return athlete


#: What a look back reports instead of a threshold refresh (``threshold_refresh.refresh``).
_NOTHING_REFRESHED: dict[str, Any] = {"in_use": {}, "changed": {}, "recomputed": 0, "failed": 0}


def _pace(s_per_km: float | None, units: str = "metric") -> str:
    return "" if s_per_km is None else pace(s_per_km, units)


def _fmt(x: Any, digits: int = 1) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def fitness_cmd(
    ctx: typer.Context,
    days: int = typer.Option(
        42, "--days", min=1, help="Days to show (the model uses all history)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Daily load, fitness, fatigue, form, ACWR and monotony.

    Example: deliberun fitness --days 28
    """
    try:
        data = _service().fitness(_db(ctx), today=asof.today(), days=days)
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        print_json(data)
        return
    for note in data.get("notes", []):
        stderr.print(note, highlight=False)
    if not data["days"]:
        stderr.print("no activities yet: deliberun import PATH…", highlight=False)
        return
    st = data["settings"]
    rows = [
        (
            d["date"],
            _fmt(d["load"], 0),
            _fmt(d["fitness"]),
            _fmt(d["fatigue"]),
            _fmt(d["form"]),
            _fmt(d["acwr"], 2),
            _fmt(d["monotony"], 2),
        )
        for d in data["days"]
    ]
    form_day = "up to the day before" if st["form_convention"] == "yesterday" else "with the day"
    title = (
        f"Fitness (load: {plain(st['load_model'])}; fitness over {st['fitness_days']} days, "
        f"fatigue over {st['fatigue_days']} days; form {form_day})"
    )
    stdout.print(
        table(title, ["date", "load", "fitness", "fatigue", "form", "ACWR", "monotony"], rows)
    )
    cur = data["current"]
    stdout.print(
        f"Rest days until form ≥ 0: {_fmt(cur['rest_days_to_form_0'])}; "
        f"most load today keeping form ≥ {cur['form_floor']:g}: "
        f"{_fmt(cur['max_load_today_for_form_floor'], 0)}",
        highlight=False,
    )


def _paces(distance: str, time: str, as_json: bool) -> None:
    try:
        data = _service().paces(distance, time)
    except ValueError as exc:
        fail(str(exc), code=2)
    if as_json:
        print_json(data)
        return
    stdout.print(f"VDOT {data['vdot']:.1f}", highlight=False)
    stdout.print(
        table(
            "Equivalent race times",
            ["race", "time"],
            [(RACE_NAMES.get(k, k), format_duration(v)) for k, v in data["equivalents_s"].items()],
        )
    )
    stdout.print(
        table(
            "Training paces",
            ["pace", "fast", "slow", "source"],
            [
                (k, _pace(a), _pace(b), data["pace_sources"][k])
                for k, (a, b) in data["paces_s_per_km"].items()
            ],
        )
    )


def predict_cmd(
    ctx: typer.Context,
    race_date: str = typer.Option(
        None, "--race-date", help="Also project VDOT and form to this date (YYYY-MM-DD)."
    ),
    daily_load: float = typer.Option(
        None,
        "--daily-load",
        min=0,
        help="Planned load per day until the race (default: your last 28 days' mean).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Race predictions from your races and best efforts, with what each rests on.

    Example: deliberun predict --race-date 2026-04-26
    """
    svc = _service()
    db = _db(ctx)
    today = asof.today()
    data = svc.predictions(db, today=today)
    if race_date is not None:
        try:
            day = date.fromisoformat(race_date)
        except ValueError:
            fail(f"--race-date {race_date!r} is not a date; use YYYY-MM-DD", code=2)
        try:
            data["projection"] = svc.project_race(
                db,
                today=today,
                race_date=day,
                planned_daily_load=None if daily_load is None else [daily_load],
            )
        except ValueError as exc:
            fail(str(exc), code=2)
    if as_json:
        print_json(data)
        return
    for note in data.get("notes", []):
        stderr.print(note, highlight=False)
    if not data["predictions"]:
        return
    rows = []
    for name, plist in data["predictions"].items():
        for p in plist:
            rows.append((name, plain(p["model"]), format_duration(p["time_s"]), p["rests_on"]))
    title = f"Predictions (VDOT {data['vdot']:.1f}"
    rng = data.get("vdot_range") or {}
    if rng.get("basis", "race") != "race":  # no recent race: the range says how sure
        title += f", {rng['low']:.1f}–{rng['high']:.1f}: {rng['basis']}"
    stdout.print(table(title + ")", ["race", "model", "time", "rests on"], rows))
    proj = data.get("projection")
    if proj:
        vdot_text = (
            f"VDOT {proj['vdot_on_race_day']:.1f} (Banister model)"
            if proj.get("vdot_on_race_day") is not None
            else f"no VDOT projection: {proj.get('reason')}"
        )
        stdout.print(
            f"On {proj['race_date']} with {proj['planned_mean_daily_load']:.0f} load a day: "
            f"form {proj['form_on_race_day']:.1f}, {vdot_text}",
            highlight=False,
        )


athlete_app = typer.Typer(
    help="Your settings and thresholds (set or estimated from your runs, with evidence).\n\n"
    "Example: deliberun athlete set hr_max_bpm 188",
    invoke_without_command=True,
    no_args_is_help=False,
)


@athlete_app.callback()
def athlete_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Settings, thresholds with their evidence, VDOT and training paces."""
    if ctx.invoked_subcommand is not None:
        return
    from deliberun.cli.cmd_import import refresh_thresholds, say_refreshed

    db = _db(ctx)
    back = asof.looking_back()  # a look back (--today in the past) writes nothing
    refreshed = _NOTHING_REFRESHED if back else refresh_thresholds(db, as_json)
    data = _service().summary(db, today=asof.today(), save=not back)
    if as_json:
        print_json({**data, "recomputed": refreshed})
        return
    say_refreshed(refreshed)
    units = data["settings"].get("units", "metric")
    rows = []
    for key, t in data["thresholds"].items():
        value = t["value"]
        shown = _pace(value, units) if key.endswith("s_per_km") else _fmt(value, 0)
        est = t["estimate"]
        evidence = (
            f"{est['method']} ({est['date']}, activities {est['activity_ids']})" if est else ""
        )
        rows.append((key, shown, t["source"] or "unknown", evidence))
    stdout.print(table("Thresholds", ["key", "value", "from", "evidence"], rows))
    other = {k: v for k, v in data["settings"].items() if k not in data["thresholds"]} | data[
        "model_settings"
    ]
    stdout.print(table("Settings", ["key", "value"], sorted(other.items())))
    if data.get("vdot"):
        rng = data.get("vdot_range") or {}
        said = (
            f" ({rng['low']:.1f}–{rng['high']:.1f}: {rng['basis']})"
            if rng.get("basis", "race") != "race"
            else ""
        )
        stdout.print(f"VDOT {data['vdot']:.1f}{said}", highlight=False)
        stdout.print(
            table(
                "Training paces",
                ["pace", "fast", "slow"],
                [
                    (k, _pace(a, units), _pace(b, units))
                    for k, (a, b) in data["paces_s_per_km"].items()
                ],
            )
        )
        if data.get("t_pace_words"):
            stdout.print(data["t_pace_words"], highlight=False)


@athlete_app.command("set")
def athlete_set_cmd(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Setting name (see `deliberun athlete`)."),
    value: str = typer.Argument(..., help="New value; `none` clears a threshold override."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Set one setting or override an estimated threshold.

    Example: deliberun athlete set threshold_pace_s_per_km 4:15
    """
    from deliberun.cli.cmd_import import say_refreshed
    from deliberun.services.athlete_settings import THRESHOLD_KEYS
    from deliberun.services.threshold_refresh import in_use

    db = _db(ctx)
    before = in_use(db)
    try:
        result = _service().set_value(db, key, value)
    except ValueError as exc:
        fail(str(exc), code=2)
    refreshed = None
    if result["key"] in THRESHOLD_KEYS:  # the metrics use it: recompute what it changes
        from deliberun.services.threshold_refresh import refresh

        if as_json:
            refreshed = refresh(db, today=asof.today(), estimate=False, before=before)
        else:
            refreshed = refresh_thresholds_set(db, before)
    if as_json:
        print_json({**result, "recomputed": refreshed})
        return
    stdout.print(f"{result['key']}: {result['previous']} → {result['value']}", highlight=False)
    if refreshed is not None:
        say_refreshed(refreshed)


def refresh_thresholds_set(db: Database, before: dict[str, float]) -> dict[str, Any]:
    """Recompute the metrics a set threshold changes (no re-estimate), with a progress bar."""
    from deliberun.cli.cmd_import import _progress
    from deliberun.services.threshold_refresh import refresh

    with _progress(False, "recomputing for the new threshold", "activities") as progress:
        return refresh(db, today=asof.today(), estimate=False, progress=progress, before=before)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("fitness")(fitness_cmd)
    app.command("predict")(predict_cmd)

    @app.command("paces")
    def _paces_cmd(
        race: tuple[str, str] = typer.Option(
            ...,
            "--race",
            metavar="DIST TIME",
            help="Race distance (5k, 10k, half, marathon or metres) and time (mm:ss or h:mm:ss).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """VDOT, equivalent race times and training paces from one race (no database needed).

        Example: deliberun paces --race 5k 21:50
        """
        _paces(race[0], race[1], as_json)

    from deliberun.cli import cmd_athletes

    cmd_athletes.register(app, athlete_app)
    app.add_typer(athlete_app, name="athlete")
