"""The demo: a simulated runner, imported into a fresh demo database, summarised.

``run_demo(out)`` simulates the ``marathon`` scenario (a base period and a
16-week marathon cycle), writes its files to ``out/files``, recreates
``out/demo.db`` (never the runner's own database), imports the files (the
importer also reads the athlete settings, journal, cycles and experiments of
``deliberun-journal.yaml``) and the plan, and returns what the CLI prints: activities,
fitness/fatigue/form, VDOT, training paces, and the planted truth beside them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database

#: Called as ``progress(stage, done, total)``; stage is "simulate" or "import".
DemoProgress = Callable[[str, int, int | None], None]


def default_demo_dir() -> Path:
    """``<user data dir>/demo``: the demo's own folder, next to (never in) the real database."""
    import platformdirs

    return Path(platformdirs.user_data_dir("deliberun")) / "demo"


def _reset(out: Path, db_name: str = "demo.db", marker: str = "truth.json") -> tuple[Path, Path]:
    """Clear an earlier demo in ``out`` (refusing a folder that holds anything else);
    ``marker``: the file in ``files/`` that shows it was written by a demo."""
    files, db = out / "files", out / db_name
    if out.exists():
        known = {"files", *(db_name + x for x in ("", "-wal", "-shm", "-journal"))}
        other = [p.name for p in out.iterdir() if p.name not in known]
        if other:
            raise ValueError(
                f"{out} holds other files ({', '.join(sorted(other)[:3])}); "
                "give the demo a new or empty folder with --out"
            )
    if files.exists():
        if not (files / marker).exists() and any(files.iterdir()):
            raise ValueError(f"{files} is not an earlier demo; give the demo another --out folder")
        shutil.rmtree(files)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    return files, db


def run_demo(
    out: Path | str | None = None,
    *,
    seed: int = 0,
    years: float | None = None,
    workers: int | None = None,
    progress: DemoProgress | None = None,
) -> dict[str, Any]:
    """Simulate, import and summarise the demo runner; return a JSON-able report.

    Parameters
    ----------
    out : path, optional
        The demo folder (default :func:`default_demo_dir`); ``files/`` and
        ``demo.db`` inside it are recreated on every run.
    seed : int
        Seed of the simulated athlete.
    years : float, optional
        History length [years] (default: the scenario's half year).
    workers : int, optional
        Import parser processes (default: the number of CPUs).
    progress : callable, optional
        ``progress(stage, done, total)``.
    """
    out = Path(out) if out is not None else default_demo_dir()
    files, db_path = _reset(out)
    sim = Simulation("marathon", seed, years=years)

    def sim_progress(done: int, total: int) -> None:
        if progress:
            progress("simulate", done, total)

    written = write_simulation(sim, files, sim_progress)
    db = Database(db_path)
    notes: list[str] = []
    try:
        from deliberun.services.importer import import_paths

        def imp_progress(done: int, total: int | None, _path: str) -> None:
            if progress:
                progress("import", done, total)

        # no progress callback when quiet: the importer then skips counting the files
        report = import_paths(
            db, [files], workers=workers, progress=imp_progress if progress else None
        )
        today = sim.end
        summary = {
            "out": str(out),
            "db": str(db_path),
            "files": str(files),
            "scenario": sim.scenario.name,
            "seed": seed,
            "start": sim.start.isoformat(),
            "end": sim.end.isoformat(),
            "today": today.isoformat(),
            "simulated": written,
            "import": {
                "imported": len(report.imported),
                "duplicates": len(report.duplicates),
                "skipped": len(report.skipped),
                "failed": report.failed[:5],
            },
            "truth": _truth_summary(sim),
        }
        plan_id = next(
            (e.get("plan_id") for e in report.runner_files if "plan_id" in e), None
        )  # the importer read plan.yaml with the activities
        summary["plan"] = _optional(notes, "plan", lambda: _plan_execution(db, plan_id, today))
        summary["athlete"] = _optional(notes, "athlete", lambda: _athlete(db, today))
        summary["practice"] = _optional(notes, "practice", lambda: _practice(db, today))
        summary["runner_files"] = list(report.runner_files)
        summary["notes"] = notes
        return summary
    finally:
        db.dispose()


def _optional(notes: list[str], what: str, fn: Callable[[], Any]) -> Any:
    """Run a step owned by another area; a failure becomes a visible note, not a crash."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the demo reports it and goes on
        notes.append(f"{what}: {type(exc).__name__}: {exc}")
        return None


def _plan_execution(db: Database, plan_id: Any, today: Any) -> dict[str, Any]:
    from deliberun.services import plan as plan_service

    report = plan_service.compliance_report(db, today=today)
    workouts = report.get("workouts", [])
    scores = [w["execution"]["score"] for w in workouts
              if w.get("execution") and w["execution"].get("score") is not None]  # fmt: skip
    return {
        "plan_id": plan_id,
        "planned": len(workouts),
        "done": sum(w.get("status") == "done" for w in workouts),
        "mean_execution_score": sum(scores) / len(scores) if scores else None,
    }


def _athlete(db: Database, today: Any) -> dict[str, Any]:
    from deliberun.services import athlete

    fit = athlete.fitness(db, today=today)
    summ = athlete.summary(db, today=today, save=True)
    cur = fit.get("current") or {}
    return {
        "fitness": cur.get("fitness"),
        "fatigue": cur.get("fatigue"),
        "form": cur.get("form"),
        "vdot": summ.get("vdot"),
        "paces_s_per_km": summ.get("paces_s_per_km"),
        "predictions": summ.get("predictions"),
        "notes": list(fit.get("notes", [])) + list(summ.get("notes", [])),
    }


def _practice(db: Database, today: Any) -> dict[str, Any]:
    """Targets of the cycle, nemesis workouts and the cycle review (practice area)."""
    from deliberun.services import practice
    from deliberun.services import review as review_service

    sessions = practice.build_sessions(db, today=today)
    cycle, targets = practice.target_progress(db, None, today=today, sessions=sessions)
    nemeses = practice.nemeses(db, today=today, sessions=sessions)
    retro = review_service.retrospective(db, None, today=today).to_dict()
    sentences = [
        sentence["text"] for section in retro["sections"] for sentence in section["sentences"]
    ]
    advice = review_service.today(db, today=today).to_dict()
    return {
        "cycle": {
            "name": cycle.name,
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
        },  # fmt: skip
        "targets": [t.to_dict() for t in targets],
        "nemeses": [
            {**n.to_dict(), "advice": n.suggestions[0].advice if n.suggestions else None}
            for n in nemeses
        ],
        "review": {"title": retro["title"], "sentences": sentences},
        "today": {
            "advice": advice["advice"],
            "sentences": [x["text"] for sec in advice["sections"] for x in sec["sentences"]],
        },
    }


def _truth_summary(sim: Simulation) -> dict[str, Any]:
    truth = sim.truth()
    fitness = truth["fitness"]
    days = sorted(fitness)
    return {
        "vdot_start": fitness[days[0]],
        "vdot_end": fitness[days[-1]],
        "effects": truth["effects"],
    }
