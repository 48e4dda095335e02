"""The group view's rules (``practice.attention``): thresholds, words and the order."""

from __future__ import annotations

from datetime import date

from deliberun.practice.attention import (
    STALE_DAYS,
    Flag,
    attention_key,
    data_flags,
    experiment_flags,
    load_flags,
    missed_key_flag,
)

TODAY = date(2026, 3, 20)


def test_silence_and_no_run_start_after_a_week() -> None:
    day = lambda n: date.fromordinal(TODAY.toordinal() - n)  # noqa: E731
    assert data_flags(TODAY, day(STALE_DAYS), day(STALE_DAYS), 5) == []
    late = data_flags(TODAY, day(STALE_DAYS + 1), day(STALE_DAYS + 2), 5)
    assert [(f.kind, f.evidence["days"]) for f in late] == [("silent", 9), ("no_run", 8)]
    assert late[0].words == "no new data for 9 days (last arrived 2026-03-11)"
    assert [f.kind for f in data_flags(TODAY, None, None, 0)] == ["no_data"]


def test_load_flags_follow_the_advice_and_the_floor() -> None:
    words = "Back off: ACWR 1.62 is above 1.5."
    (f,) = load_flags("back_off", words, 1.62, -5.0, -30.0)
    assert (f.kind, f.weight, f.words) == ("load", 3, words)
    assert load_flags("push", "Push: ...", 1.0, 5.0, -30.0) == []
    below = load_flags("hold", "Hold: ...", 1.0, -35.4, -30.0)
    assert [x.words for x in below] == ["form -35 is below the floor of -30"]
    assert [x.kind for x in load_flags("hold", "Hold: little", 0.5, 10.0, -30.0)] == ["load_low"]


def test_missed_sessions_and_final_verdicts_in_words() -> None:
    missed = [{"date": f"2026-03-{d:02d}", "workout_type": "intervals", "text": "6x800m @I"}
              for d in (10, 12, 14, 17)]  # fmt: skip
    f = missed_key_flag(missed)
    assert f is not None and f.evidence["count"] == 4
    assert f.words.startswith("missed 4 planned key sessions in the last 14 days: 2026-03-10")
    assert f.words.endswith("and 1 more")
    assert missed_key_flag([]) is None
    res = [{"id": "a", "interim": True, "verdict": "not_enough_data", "words": "x"},
           {"id": "b", "interim": False, "verdict": "helps", "words": "it helps"}]  # fmt: skip
    assert [x.evidence["id"] for x in experiment_flags(res)] == ["b"]


def test_the_heaviest_flag_comes_first_then_the_total_then_the_silence() -> None:
    heavy = [Flag("silent", "", {})]
    many = [Flag("missed_key", "", {}), Flag("rpe_mismatch", "", {}), Flag("nemesis", "", {})]
    lines = {"a": (many, 1), "b": (heavy, 9), "c": (heavy, 20), "d": ([], 0)}
    order = sorted(lines, key=lambda n: attention_key(lines[n][0], lines[n][1], n))
    assert order == ["c", "b", "a", "d"]
