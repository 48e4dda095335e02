"""``deliberun race``: which runs were races, with the evidence; mark or unmark one."""

from __future__ import annotations

import typer

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, stdout, table


def race_cmd(
    ctx: typer.Context,
    activity_id: int = typer.Argument(
        None, metavar="[ID]", help="Activity id to mark (none: list the races found)."
    ),
    not_race: bool = typer.Option(False, "--not", help="Mark the run as not a race."),
    auto: bool = typer.Option(
        False, "--auto", help="Remove your mark: let the classifier judge again."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Mark a run as a race (or --not): your mark always wins. Without ID, list the races.

    Races set the VDOT and the predictions; the classifier reads the effort (heart rate
    against your max, the fastest run of the season at that distance, even pacing), the
    distance and the words of the name and description in any of the main languages.

    Example: deliberun race 39    |    deliberun race 38 --not    |    deliberun race
    """
    from deliberun.services.races import mark_race, race_verdicts

    db = open_db(ctx)
    today = asof.today()
    if activity_id is None:
        if not_race or auto:
            fail("give the activity ID to mark, e.g. deliberun race 42 --not")
        from deliberun.services.activities import list_activities

        verdicts = race_verdicts(db, today=today)
        items = [
            {
                "activity_id": a["id"],
                "date": a["local_date"],
                "name": a["name"],
                **verdicts[a["id"]].to_dict(),
            }
            for a in list_activities(db, until=today)
            if a["id"] in verdicts and verdicts[a["id"]].is_race
        ]
        if as_json:
            print_json(items)
            return
        rows = [
            [
                i["activity_id"],
                i["date"],
                i["name"] or "",
                i["source"],
                "; ".join(i["evidence"][:-1]),
            ]
            for i in items
        ]
        stdout.print(table(f"{len(items)} races", ["id", "date", "name", "by", "evidence"], rows))
        return
    if not_race and auto:
        fail("--not and --auto cannot be used together")
    try:
        out = mark_race(db, activity_id, None if auto else not not_race, today=today)
    except LookupError as exc:
        fail(str(exc))
    if as_json:
        print_json(out)
        return
    verdict = "a race" if out["is_race"] else "not a race"
    stdout.print(f"activity {activity_id} ({out['date']}, {out['name'] or 'no name'}) is {verdict}")
    for line in out.get("evidence", []):
        stdout.print(f"  {line}")
    stdout.print("VDOT, predictions and thresholds now use it (`deliberun predict`).")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("race")(race_cmd)
