"""``services/history.py``: one use case reads the athlete's history once and every
service shares it; outside a use case nothing is kept between calls (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from deliberun.services import athlete, history, races
from deliberun.store.db import Database
from test_web_data import LAST_DAY, build_db


@pytest.fixture()
def db(tmp_path: Path) -> Database:
    return build_db(tmp_path / "h.db", weeks=8)


def _ids(pairs: list) -> list[int]:
    return [r.id for r, _ in pairs]


def test_one_history_per_database_and_use_case(db: Database, tmp_path: Path) -> None:
    other = build_db(tmp_path / "other.db", weeks=2)
    assert history.of(db) is not history.of(db)  # no use case: nothing kept
    assert not history.in_use_case()
    with history.use_case():
        h = history.of(db)
        assert history.in_use_case()
        assert history.of(db) is h and history.of(other) is not h
        with athlete.shared_history():  # a nested block shares the outer one
            assert history.of(db) is h
    with history.use_case():
        assert history.of(db) is not h  # a new use case reads afresh


def test_a_window_is_cut_from_the_read_that_covers_it(db: Database) -> None:
    week = LAST_DAY - timedelta(days=6)
    fresh_all = history.AthleteHistory(db).rows_and_metrics(LAST_DAY)
    fresh_week = history.AthleteHistory(db).rows_and_metrics(LAST_DAY, week)
    earlier = LAST_DAY - timedelta(days=10)
    fresh_earlier = history.AthleteHistory(db).rows_and_metrics(earlier, week - timedelta(days=7))
    assert len(fresh_week) < len(fresh_all) and fresh_earlier
    h = history.AthleteHistory(db)
    whole = h.rows_and_metrics(LAST_DAY)
    week_rows = h.rows_and_metrics(LAST_DAY, week)
    earlier_rows = h.rows_and_metrics(earlier, week - timedelta(days=7))
    # the same runs in the same order as a read of each window...
    assert _ids(whole) == _ids(fresh_all)
    assert _ids(week_rows) == _ids(fresh_week)
    assert _ids(earlier_rows) == _ids(fresh_earlier)
    assert [m for _, m in week_rows] == [m for _, m in fresh_week]
    # ...taken from the one read (the very row objects), not read again
    kept = {id(r) for r, _ in whole}
    assert all(id(r) in kept for r, _ in week_rows + earlier_rows)


def test_kept_results_are_computed_once_per_use_case(db: Database) -> None:
    built: list[int] = []

    def build() -> int:
        built.append(1)
        return len(built)

    assert history.of(db).memo("k", build) == 1 and history.of(db).memo("k", build) == 2
    with history.use_case():
        assert history.of(db).memo("k", build) == 3 and history.of(db).memo("k", build) == 3
    with history.use_case():
        assert history.of(db).memo("k", build) == 4
    assert len(built) == 4


def test_the_services_read_the_same_inside_a_use_case(db: Database) -> None:
    """Verdicts, the daily load and the predictions are the same whether each service
    reads for itself or all share one history; shared, they are computed once."""
    alone = (
        races.race_verdicts(db, today=LAST_DAY),
        athlete.daily_load(db, today=LAST_DAY),
        athlete.predictions(db, today=LAST_DAY),
    )
    with history.use_case():
        shared = (
            races.race_verdicts(db, today=LAST_DAY),
            athlete.daily_load(db, today=LAST_DAY),
            athlete.predictions(db, today=LAST_DAY),
        )
        h = history.of(db)
        assert h.get(("race_verdicts", LAST_DAY)) is not None
        first, load, _ = athlete.daily_load(db, today=LAST_DAY)
        assert load is h.memo(("daily_load", LAST_DAY), lambda: None)[1]  # the kept one
    assert {k: v.to_dict() for k, v in alone[0].items()} == {
        k: v.to_dict() for k, v in shared[0].items()
    }
    assert alone[1][0] == shared[1][0] and list(alone[1][1]) == list(shared[1][1])
    assert alone[1][2] == shared[1][2]
    assert alone[2] == shared[2]
