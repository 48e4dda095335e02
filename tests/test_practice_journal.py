"""Journal: expected RPE, disagreement, and the deliberun-journal.yaml parser."""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.practice.journal import JournalEntry, apply_entry, expected_rpe, rpe_disagreement
from deliberun.practice.journal_file import parse_journal_file
from deliberun.practice.session import Session

CONTRACT_EXAMPLE = """
version: 1
athlete: {sex: female, hr_max_bpm: 188, hr_rest_bpm: 48, units: metric}
journal:
  - date: 2026-03-02
    activity_start: "2026-03-02T07:05:00+01:00"
    rpe: 7
    feel: 3
    sleep_h: 7.5
    soreness: 2
    notes: "legs heavy on the last reps"
    tags: [intervals]
    details: [fuelling]
cycles:
  - name: "Spring marathon"
    start: 2026-01-05
    end: 2026-04-26
    goal_race: {distance_m: 42195, date: 2026-04-26, goal_time_s: 11700}
    targets: [{kind: threshold_pace, goal: 255.0}, {kind: interval_execution, goal: 0.8}]
experiments:
  - id: rest-longer
    workout_type: intervals
    change: "50% more rest between reps"
    metric: last_rep_fade_pct
    assignment: before_after
    start: 2026-02-01
    change_date: 2026-03-01
"""


def test_parse_contract_example() -> None:
    jf = parse_journal_file(CONTRACT_EXAMPLE)
    assert jf.version == 1 and jf.athlete["hr_max_bpm"] == 188
    e = jf.journal[0]
    assert e.date == date(2026, 3, 2) and e.rpe == 7 and e.details == ["fuelling"]
    assert e.activity_start is not None and e.activity_start.utcoffset().total_seconds() == 3600
    c = jf.cycles[0]
    assert c.goal_race is not None and c.goal_race.goal_time_s == 11700
    assert [t.kind for t in c.targets] == ["threshold_pace", "interval_execution"]
    x = jf.experiments[0]
    assert x.id == "rest-longer" and x.change_date == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("journal: [{date: 2026-03-02, rpe: 12}]", r"journal\[0\]: rpe=12"),
        ("journal: [{rpe: 5}]", r"journal\[0\]: each journal entry needs at least a date"),
        ("journal: [{date: 2026-13-02}]", "not a date"),
        ("journal: [{date: 2026-03-02, details: [socks]}]", "unknown race detail"),
        (
            "cycles: [{start: 2026-01-01, end: 2026-03-01, targets: "
            "[{kind: weekly_volume, goal: 1}, {kind: weekly_volume, goal: 2}, "
            "{kind: weekly_volume, goal: 3}, {kind: weekly_volume, goal: 4}]}]",
            "focus is the point",
        ),
        ("experiments: [{id: x, change: c, metric: nope}]", "unknown outcome metric"),
        ("version: 7", "version 7 is not supported"),
        ("journal: [unclosed", "not valid YAML"),
        ('journal: [{date: 2026-03-02, activity_start: "2026-03-02T07:05:00"}]', "no UTC offset"),
    ],
)
def test_parse_errors_name_the_field(text: str, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        parse_journal_file(text)


def test_expected_rpe_anchors() -> None:
    # 60% HRR for under an hour: ACSM upper moderate -> CR-10 4
    assert expected_rpe(
        duration_s=1800, avg_hr_bpm=50 + 0.6 * 140, hr_rest_bpm=50, hr_max_bpm=190
    ) == pytest.approx(4.0)
    # threshold speed for an hour -> 6.5; two hours adds 0.75
    assert expected_rpe(
        duration_s=7200, speed_m_per_s=4.0, threshold_speed_m_per_s=4.0
    ) == pytest.approx(7.25)
    assert expected_rpe(duration_s=600) is None


def test_rpe_disagreement_both_ways() -> None:
    easy = Session(date(2026, 3, 2), activity_id=1, duration_s=3000, avg_hr_bpm=120, rpe=9)
    d = rpe_disagreement(easy, hr_rest_bpm=50, hr_max_bpm=190, threshold_pace_s_per_km=None)
    assert d is not None and d.direction == "harder_than_data" and d.expected < 4
    hard = Session(date(2026, 3, 3), activity_id=2, duration_s=2400, avg_hr_bpm=180, rpe=3)
    d2 = rpe_disagreement(hard, hr_rest_bpm=50, hr_max_bpm=190, threshold_pace_s_per_km=None)
    assert d2 is not None and d2.direction == "easier_than_data"
    ok = Session(date(2026, 3, 4), activity_id=3, duration_s=2400, avg_hr_bpm=120, rpe=3)
    assert (
        rpe_disagreement(ok, hr_rest_bpm=50, hr_max_bpm=190, threshold_pace_s_per_km=None) is None
    )


def test_apply_entry_keeps_session_values() -> None:
    s = Session(date(2026, 3, 2), rpe=6, tags=["a"])
    apply_entry(s, JournalEntry(date(2026, 3, 2), rpe=8, sleep_h=6.0, tags=["b"], details=["gear"]))
    assert s.rpe == 6 and s.sleep_h == 6.0 and s.tags == ["a", "b"] and s.details == ["gear"]
