"""Who may see and do what on the coach dashboard (``serve --multi``).

The rule, in one place, for every page (the group page of ``services/group.py`` too):

- a **coach** sees the athletes they coach (``deliberun user coach``), one at a time,
  and writes coach notes for them; they do not edit an athlete's journal, RPE or plan
  (those are the athlete's own account of their training);
- an **athlete** sees and edits only their own data, and reads their coach's notes;
- anyone else sees nothing (the login layer answers 401 before this is asked).

Each request's data then comes through a ``Database`` for the one athlete allowed
(``Database.for_athlete``), whose store scope filters every query by that athlete.
"""

from __future__ import annotations

from deliberun.errors import Forbidden
from deliberun.services.accounts import Viewer


def athlete_for(viewer: Viewer, wanted: str | None) -> str:
    """The athlete whose data the viewer's request shows: ``wanted`` when allowed, else
    their first athlete by name. ``Forbidden`` when ``wanted`` is not theirs to see or
    they have no athlete at all."""
    names = sorted(viewer.athletes.values())
    if not names:
        raise Forbidden(
            f"{viewer.name} coaches no athlete yet; add some with: "
            f"deliberun user coach {viewer.name} ATHLETE"
        )
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise Forbidden(f"{viewer.name} may not see that athlete (not one of theirs)")
    return wanted


def may_edit_runner_data(viewer: Viewer) -> None:
    """Journal, RPE, race marks, plan moves: the athlete's own. ``Forbidden`` for a coach."""
    if viewer.is_coach:
        raise Forbidden(
            "a coach reads an athlete's data and writes coach notes; the journal, RPE and "
            "plan are edited by the athlete"
        )


def may_write_notes(viewer: Viewer) -> None:
    """Coach notes are written by coaches. ``Forbidden`` for an athlete."""
    if not viewer.is_coach:
        raise Forbidden("coach notes are written by the coach; you can read them here")


def group_athletes(viewer: Viewer) -> list[str]:
    """The athletes of the viewer's group page: a coach's athletes; ``Forbidden`` for an
    athlete (the group page compares runners, so it is for coaches)."""
    if not viewer.is_coach:
        raise Forbidden("the group page is for coaches")
    return sorted(viewer.athletes.values())
