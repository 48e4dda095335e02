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
