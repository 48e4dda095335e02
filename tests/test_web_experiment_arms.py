"""The experiments page shows an experiment's arms and looks, and its JSON twin holds them."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.practice.experiment_design import draw_assignment
from deliberun.practice.experiments import ExperimentSpec, more_sessions_words
from deliberun.services import practice
from deliberun.web.app import create_app
from test_web_data import LAST_DAY, build_db

PLANNED = 24


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path: Path = tmp_path_factory.mktemp("web_arms") / "athlete.db"
    db = build_db(path, weeks=4)
    arms = draw_assignment(np.random.default_rng(7), PLANNED)
    practice.save_experiment(
        db,
        ExperimentSpec(
            id="cadence-cue",
            change="a cadence cue every km",
            metric="avg_hr_bpm",
            assignment="randomised",
            start=LAST_DAY - timedelta(weeks=4),
            planned_sessions=PLANNED,
            arms=arms,
        ),
    )
    return TestClient(create_app(str(path), today=LAST_DAY), base_url="http://127.0.0.1:8765")


def test_arms_and_looks_in_the_json_twin(client: TestClient) -> None:
    (exp,) = client.get("/api/experiments").json()["experiments"]["rows"]
    drawn = draw_assignment(np.random.default_rng(7), PLANNED)  # as stored at creation
    assert exp["design"] == "randomised" and exp["planned_sessions"] == PLANNED
    rows = exp["assignment"]
    assert len(rows) == PLANNED  # the sessions done, then the drawn arms still to come
    done = [r for r in rows if r["activity_id"] is not None]
    assert done and all(r["date"] is None for r in rows[len(done) :])
    assert [r["date"] for r in done] == sorted(r["date"] for r in done)
    assert {r["activity_id"] for r in done if r["arm"] == "A"} == set(exp["sessions_a"])
    assert {r["activity_id"] for r in done if r["arm"] == "B"} == set(exp["sessions_b"])
    assert [r["arm"] for r in rows] == ["AB"[a] for a in drawn]
    looks = exp["looks"]
    assert looks and looks[-1]["date"] == LAST_DAY.isoformat()
    counts = [lk["sessions_a"] + lk["sessions_b"] for lk in looks]
    assert counts == sorted(counts) and counts[-1] == len(done)
    assert all(0 < lk["information"] <= 1 for lk in looks)
    # an interim look's boundary is stricter the fewer sessions are in
    alphas = [lk["alpha_this_look"] for lk in looks if lk["alpha_this_look"] is not None]
    assert alphas == sorted(alphas)
    assert looks[-1]["verdict"] == exp["verdict"]


def test_arms_and_looks_on_the_page(client: TestClient) -> None:
    exp = client.get("/api/experiments").json()["experiments"]["rows"][0]
    html = client.get("/experiments", headers={"accept": "text/html"}).text
    block = html[html.index('id="experiment-cadence-cue"') :]
    table = block[block.index('class="arms"') : block.index("</table>")]
    shown = re.findall(r'<tr class="arm-([AB])">.*?(?:#(\d+)</a>|to come)', table, re.S)
    assert [a for a, _ in shown] == [r["arm"] for r in exp["assignment"]]
    ids = [int(i) for _, i in shown if i]
    assert ids == [r["activity_id"] for r in exp["assignment"] if r["activity_id"] is not None]
    assert 'class="looks"' in block and block.count("<tr><td>20") >= len(exp["looks"])
    assert exp["verdict"].replace("_", " ") in block
    # the sessions still needed, in the words the CLI uses (one function says it)
    assert exp["more_sessions_needed"] > 0, exp["verdict"]
    assert exp["more_sessions_words"] == more_sessions_words(exp["more_sessions_needed"])
    assert f"<small>{exp['more_sessions_words']}</small>" in html


def test_todays_look_is_the_analysis_shown_beside_it() -> None:
    # the last look is today's: the caller's analysis (all its permutations), not a
    # second, coarser one that could read the boundary differently
    from datetime import date

    from deliberun.practice.experiment_looks import experiment_looks
    from deliberun.practice.experiments import analyze_experiment
    from deliberun.practice.session import Session

    d0 = date(2026, 3, 2)
    spec = ExperimentSpec(id="x", change="c", metric="avg_hr_bpm", assignment="alternating",
                          start=d0, planned_sessions=PLANNED)  # fmt: skip
    ss = [Session(d0 + timedelta(days=2 * i), activity_id=i, avg_hr_bpm=150.0 + i % 3)
          for i in range(12)]  # fmt: skip
    today = d0 + timedelta(days=30)
    now = analyze_experiment(spec, ss)
    now.verdict = "helps"  # marked: only the given analysis can say it here
    looks = experiment_looks(spec, ss, today, now=now)
    # (the last look is the Sunday after the last session: nothing came in since)
    assert looks[-1]["date"] == "2026-03-29" and looks[-1]["verdict"] == "helps"
    assert all(lk["verdict"] != "helps" for lk in looks[:-1])
    assert experiment_looks(spec, ss, today)[-1]["verdict"] != "helps"
