"""Comfort zone classification and the cycle warnings."""

from __future__ import annotations

from datetime import date, timedelta

from deliberun.practice.comfort import classify, summarize
from deliberun.practice.session import Session

D0 = date(2026, 1, 5)


def _runs(weeks: int, long_m: float = 16000.0) -> list[Session]:
    out = []
    for w in range(weeks):
        for k, dist in enumerate((8000.0, 10000.0, long_m)):
            out.append(
                Session(D0 + timedelta(days=7 * w + 2 * k), activity_id=len(out), distance_m=dist)
            )
    return out


def test_zones() -> None:
    ss = _runs(10)
    nxt = D0 + timedelta(days=70)
    ss += [
        Session(nxt, activity_id=498, distance_m=8000.0),
        Session(nxt + timedelta(days=2), activity_id=499, distance_m=10000.0),
        Session(nxt + timedelta(days=4), activity_id=500, distance_m=17000.0),  # +6%
    ]
    over = Session(nxt + timedelta(days=11), activity_id=501, distance_m=24000.0)
    hot = Session(nxt + timedelta(days=13), activity_id=502, distance_m=3000.0, acwr=1.7)
    pts = {p.activity_id: p for p in classify(ss + [over, hot])}
    assert pts[3].zone == "comfort"
    assert pts[500].zone == "stretch"
    assert pts[500].dimension in ("longest_run_m", "weekly_volume_m")
    assert pts[501].zone == "over_reach"
    assert any("beyond the 12-week best" in r for r in pts[501].reasons)
    assert pts[502].zone == "over_reach" and "ACWR 1.70 above 1.5" in pts[502].reasons


def test_warns_after_three_quiet_weeks() -> None:
    ss = _runs(10)
    today = ss[-1].local_date
    summ = summarize(classify(ss), D0, today)
    assert summ.quiet_weeks >= 3
    assert any("comfort zone for" in w for w in summ.warnings)


def test_warns_when_over_reaching_too_often() -> None:
    ss = _runs(8)
    for k, dist in enumerate((26000.0, 30000.0)):
        ss.append(
            Session(ss[-1].local_date + timedelta(days=7), activity_id=900 + k, distance_m=dist)
        )
    summ = summarize(classify(ss), D0, ss[-1].local_date)
    assert summ.over_reach_sessions >= 2
    assert any("Over-reached" in w for w in summ.warnings)


def test_a_big_week_is_one_stretch_not_one_per_run() -> None:
    """Weekly volume is credited to the run that takes the week over the line."""
    ss = _runs(10)
    nxt = D0 + timedelta(days=70)
    big = [
        Session(nxt + timedelta(days=k), activity_id=600 + k, distance_m=d)
        for k, d in enumerate((8000.0, 9000.0, 9000.0, 9000.0, 9000.0))
    ]  # 44 km against 34 km weeks; no single run longer than the usual 16 km
    pts = {p.activity_id: p for p in classify(ss + big)}
    by_volume = [i for i in range(600, 605) if pts[i].dimension == "weekly_volume_m"]
    # once past the 90th percentile (stretch), once past 110% of the best (over-reach)
    assert len(by_volume) == 2, {i: (pts[i].zone, pts[i].dimension) for i in range(600, 605)}
    assert [pts[i].zone for i in by_volume] == ["stretch", "over_reach"]
    assert all(pts[i].zone == "comfort" for i in range(600, 605) if i not in by_volume)


def test_a_race_is_not_an_over_reach() -> None:
    """The goal marathon is run all out by design: zone "race", not over-reach, and the
    reasons name no internal dimension."""
    ss = _runs(10)
    nxt = D0 + timedelta(days=70)
    long = Session(nxt, activity_id=701, distance_m=24000.0)
    race = Session(
        nxt + timedelta(days=3), activity_id=700, distance_m=42195.0, workout_type="race", acwr=1.8
    )
    pts = {p.activity_id: p for p in classify(ss + [race, long])}
    assert pts[700].zone == "race" and pts[700].reasons == ["a race"]
    assert pts[701].zone == "over_reach"
    assert pts[701].reasons[0].startswith("the run's distance above")
    summ = summarize(list(pts.values()), D0, nxt + timedelta(days=3))
    assert summ.over_reach_sessions == 1


def test_the_first_runs_back_from_a_break_are_no_over_reach_by_the_ratio() -> None:
    """After 7 weeks without running a 4 km jog shows a high ACWR (the chronic load is
    cross-training or nothing): no over-reach for 28 days from the first run back; the
    same ratio later still is one."""
    ss = _runs(10)
    back = D0 + timedelta(days=70 + 49)
    jog = Session(back, activity_id=600, distance_m=4000.0, acwr=2.0)
    later = Session(back + timedelta(days=27), activity_id=601, distance_m=5000.0, acwr=1.8)
    after = Session(back + timedelta(days=28), activity_id=602, distance_m=5000.0, acwr=1.8)
    between = [
        Session(back + timedelta(days=d), activity_id=610 + d, distance_m=4000.0)
        for d in range(3, 27, 3)
    ]
    pts = {p.activity_id: p for p in classify(ss + [jog, *between, later, after])}
    assert pts[600].zone == "comfort" and pts[601].zone == "comfort", pts[600].reasons
    assert pts[602].zone == "over_reach" and "ACWR 1.80 above 1.5" in pts[602].reasons
