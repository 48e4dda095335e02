"""Keep the store up to date from Strava (connecting: ``strava_connect``).

Strava's activity list has no "updated since" filter, so a sync lists again a
**recheck window**: the ``recheck_days`` (default 30, ``--recheck-days``,
``DELIBERUN_STRAVA_RECHECK_DAYS``) before the newest run already stored, and everything
after it (``since`` sets the start instead), page by page; then it handles the runs
oldest first:

* **new**: detail + streams -> ``io.strava_streams.to_activity`` -> the importer's own
  write path (one transaction: the original JSON, the activity, its streams, its
  metrics), so the dedup rules are the import's: a run already imported from a file
  (start within 60 s, distance within 2 %) is merged, not duplicated;
* **matched**: a run matched by start and distance to a file costs only the detail
  request (its metadata), never the streams;
* **known, in the recheck window**: its detail is read again (the list does not show
  the description, perceived exertion or private note) and name, description, type,
  gear, perceived exertion, private note and race flag follow Strava; one request each;
* **known, older** (listed only because a failed run moved the window back, or with
  ``since``): the detail is read when a field the list shows changed (name, type,
  workout type, gear, commute, privacy), or always with ``since``;
* **deleted**: a known Strava id inside the fully listed window that Strava no longer
  lists, and whose detail answers 404, is flagged (``extra.strava_deleted``), never
  removed with its journal; a flagged run that comes back loses the flag.

Each run is written in its own transaction, so a kill leaves whole runs only; the next
sync starts from the newest run stored, and runs that failed are retried (their start
moves the window back). When Strava's rate limit would need a longer wait than allowed
the sync stops cleanly (``stopped``) and the next one resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.io.errors import NotAnActivityError, ReadError
from deliberun.io.strava_streams import (
    REQUEST_KEYS,
    STRAVA_JSON_SUFFIX,
    parse_time,
    sport_of,
    strava_document,
    strava_meta,
    to_activity,
)
from deliberun.services.stored_verdicts import refresh_after_write
from deliberun.services.strava_connect import token_store
from deliberun.store import repository as repo
from deliberun.store import strava_repo
from deliberun.store.db import Database
from deliberun.store.settings_repo import estimates_in_use, get_settings
from deliberun.strava.client import NotFound, RateLimited, StravaClient, StravaError
from deliberun.strava.models import WATCHED_FIELDS, DetailedActivity, SummaryActivity

PER_PAGE = 200
#: Called after each activity: (done, total, label).
Progress = Callable[[int, int | None, str], None]


@dataclass
class SyncReport:
    new: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None
    requests: int = 0
    waited_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "deleted": self.deleted,
            "stopped": self.stopped,
        }


def _start_of(summary: dict[str, Any]) -> datetime:
    return parse_time(summary.get("start_date"))


def _windows(
    index: dict[str, tuple[int, datetime]],
    state: dict[str, Any],
    since: date | None,
    recheck_days: int,
) -> tuple[datetime, datetime]:
    """(list after, recheck after): the list starts at the first, and the known runs
    after the second have their detail read again."""
    if since is not None:
        recheck = datetime(since.year, since.month, since.day, tzinfo=UTC) - timedelta(days=1)
    else:
        starts = [t for _, t in index.values()]
        recheck = (
            (max(starts) - timedelta(days=recheck_days))
            if starts
            else datetime(1970, 1, 1, tzinfo=UTC)
        )
    after = recheck
    for f in (state.get("failed") or {}).values():
        try:
            after = min(after, datetime.fromisoformat(f["start"]) - timedelta(seconds=1))
        except (KeyError, ValueError):
            continue
    return after, recheck


def _changed(row_extra: dict[str, Any], row_name: str | None, item: dict[str, Any]) -> list[str]:
    """The watched fields whose Strava value differs from what the store holds."""
    seen = row_extra.get("strava_summary") or {}
    if not seen:  # matched from the export: compare what the CSV gave
        out = []
        if item.get("name") and item.get("name") != row_name:
            out.append("name")
        if (item.get("sport_type") or item.get("type")) != row_extra.get("type"):
            out.append("type")
        return out
    return [k for k in WATCHED_FIELDS if item.get(k) != seen.get(k)]


def _same(old: Any, new: Any) -> bool:
    """Equal, counting the export CSV's "true"/"false" and "7.0" as Strava's true and 7."""
    if isinstance(old, str) and isinstance(new, bool):
        return old.strip().lower() == str(new).lower()
    if isinstance(old, str) and isinstance(new, int | float):
        try:
            return float(old) == float(new)
        except ValueError:
            return False
    return bool(old == new)


def _watched(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in WATCHED_FIELDS}


def _apply_detail(
    db: Database, activity_id: int, detail: dict[str, Any], now: datetime, *, write: bool = True
) -> list[str]:
    """Put Strava's metadata on a stored activity; returns what changed. Metrics follow
    (on the thresholds in use) when the type or the perceived exertion changed.
    ``write=False``: only say what would change (a dry run)."""
    from deliberun.services.importer import compute_metrics

    meta = strava_meta(detail)
    changes: list[str] = []
    with db.session() as s:
        row = repo.activity(s, activity_id)
        if row is None:
            return []
        extra = dict(row.extra)
        new: dict[str, Any] = {}
        if meta["name"] and meta["name"] != row.name:
            new["name"] = meta["name"]
            changes.append("name")
        desc = meta["description"] or None
        if desc != row.description and (desc or extra.get("name_source") == "strava"):
            new["description"] = desc
            changes.append("description")
        extra["name_source"] = "strava"
        for key in (
            "strava_id",
            "type",
            "gear",
            "gear_id",
            "perceived_exertion",
            "private_note",
            "workout_type",
            "race",
            "commute",
            "private",
        ):
            value = meta.get(key)
            if value in (None, "") and key not in extra:
                continue
            if not _same(extra.get(key), value):
                quiet = key in ("strava_id", "gear_id", "private") or (
                    key not in extra and not value
                )
                if not quiet:  # a first "race: false" is no news
                    changes.append(key)
                extra[key] = value
        sport, sub = sport_of(meta.get("type"))
        resport = meta.get("type") is not None and sport != row.sport
        if resport:
            new.update(sport=sport, sub_sport=sub)
            changes.append("sport")
        extra["strava_summary"] = _watched(detail)
        if extra.pop("strava_deleted", None):
            changes.append("restored")  # flagged as deleted, back on Strava
        repo.save_activity(s, replace(row, **new, extra=extra))
        if not write:
            s.rollback()
            return changes
        if resport or "perceived_exertion" in changes:
            s.flush()
            full = repo.load_activity(s, row.id)
            metrics, version = compute_metrics(full, get_settings(s), estimates_in_use(s))
            if metrics is not None and version is not None:
                repo.save_metrics(s, row.id, metrics, version, now=now)
        s.commit()
    return changes


def _import_new(
    db: Database,
    detail: dict[str, Any],
    streams: dict[str, Any],
    settings: dict[str, Any],
    now: datetime,
) -> tuple[str, int | None, str]:
    """Write one new run through the importer's write path: (status, activity id, reason).
    Its metrics use the thresholds in use (``settings[importer.ESTIMATES_KEY]``), as an
    import's do, so the refresh after the sync recomputes only when an estimate moved."""
    import hashlib

    from deliberun.services import importer

    data = strava_document(detail, streams)
    sid = str(detail["id"])
    name = f"strava-{sid}{STRAVA_JSON_SUFFIX}"
    activity = to_activity(detail, streams)
    parsed = importer.analyse(
        activity,
        AthleteSettings.from_dict(settings),
        estimates=settings.get(importer.ESTIMATES_KEY),
    )
    meta = {k: v for k, v in strava_meta(detail).items() if v not in (None, "")}
    job = importer._Job(f"strava-api/{name}", name, hashlib.sha256(data).hexdigest(), data, meta)
    job.result = ("ok", parsed)
    rep = importer.ImportReport()
    importer._write(db, job, rep, settings, now)  # the import's own dedup and transaction
    if rep.imported:
        return "new", rep.imported[0], ""
    if rep.duplicates:
        d = rep.duplicates[0]
        return "matched", d.get("activity_id"), str(d.get("reason"))
    err = rep.failed[0]["error"] if rep.failed else "not written"
    return "failed", None, err


def sync(
    db: Database,
    *,
    client: StravaClient | None = None,
    since: date | None = None,
    recheck_days: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    max_wait_s: float = 960.0,
) -> SyncReport:
    """Bring the store up to date from Strava (see the module notes).

    ``recheck_days``: the window before the newest stored run listed and checked again
    for edits and deletions (default: the config's, 30 days).
    """
    if recheck_days is not None and recheck_days < 0:
        raise ValueError(f"recheck days must be >= 0, not {recheck_days}")
    own = client is None
    client = client or StravaClient(token_store(), max_wait_s=max_wait_s)
    days = client.config.recheck_days if recheck_days is None else recheck_days
    now = now or datetime.now(UTC)
    report = SyncReport()
    try:
        _sync(db, client, report, since, days, dry_run, progress, now)
    except RateLimited as exc:
        report.stopped = str(exc)
    finally:
        report.requests, report.waited_s = client.requests, client.waited_s
        if own:
            client.close()
    if not dry_run:
        refresh_after_write(db, now=now)  # edits and new runs: their stored verdicts
    return report


def _list_window(client: StravaClient, after: datetime) -> list[dict[str, Any]]:
    """Every activity after ``after``, all pages, oldest first."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = client.list_activities(int(after.timestamp()), page, PER_PAGE)
        for i in batch:
            SummaryActivity.model_validate(i)  # the shape Strava documents, or a clear error
            items.append(i)
        if len(batch) < PER_PAGE:
            break
        page += 1
    items.sort(key=_start_of)
    return items


def _stored(db: Database, activity_id: int) -> tuple[dict[str, Any], str | None]:
    with db.session() as s:
        row = repo.activity(s, activity_id)
        return (row.extra, row.name) if row else ({}, None)


def _known(
    db: Database,
    client: StravaClient,
    report: SyncReport,
    item: dict[str, Any],
    entry: dict[str, Any],
    activity_id: int,
    recheck: bool,
    dry_run: bool,
    now: datetime,
) -> None:
    """A run the store already has: read its detail again when it is in the recheck
    window (or a field the list shows changed) and follow Strava's edits."""
    row_extra, row_name = _stored(db, activity_id)
    changed = _changed(row_extra, row_name, item)
    if row_extra.get("strava_deleted"):
        changed.append("restored")
    if not (changed or recheck or not row_extra.get("strava_summary")):
        report.skipped.append({**entry, "activity_id": activity_id, "reason": "unchanged"})
        return
    raw = client.activity(int(entry["strava_id"]))  # a dry run reads too, writes nothing
    DetailedActivity.model_validate(raw)
    changes = _apply_detail(db, activity_id, raw, now, write=not dry_run)
    if changes:
        report.updated.append({**entry, "activity_id": activity_id, "changes": changes})
    else:
        report.skipped.append({**entry, "activity_id": activity_id, "reason": "unchanged"})


def _unknown(
    db: Database,
    client: StravaClient,
    report: SyncReport,
    item: dict[str, Any],
    entry: dict[str, Any],
    settings: dict[str, Any],
    dry_run: bool,
    now: datetime,
) -> None:
    """A Strava id the store does not have: a new run, or one imported from a file."""
    sid = entry["strava_id"]
    if item.get("manual"):
        report.skipped.append({**entry, "reason": "manual entry without a recording"})
        return
    with db.session() as s:
        same_id = repo.same_run_id(s, _start_of(item), item.get("distance"))
    if same_id is not None:
        reason = "same run as a stored activity"
        changes = _apply_detail(db, same_id, client.activity(int(sid)), now, write=not dry_run)
        report.updated.append(
            {**entry, "activity_id": same_id, "changes": changes, "reason": reason}
        )
        return
    if dry_run:
        report.new.append(entry)
        return
    raw = client.activity(int(sid))
    DetailedActivity.model_validate(raw)
    streams = client.streams(int(sid), REQUEST_KEYS)
    status_, aid, reason = _import_new(db, raw, streams, settings, now)
    if status_ == "failed":
        raise StravaError(reason)
    if aid is not None:
        _apply_detail(db, aid, raw, now)
    if status_ == "new":
        report.new.append({**entry, "activity_id": aid})
    else:
        report.updated.append({**entry, "activity_id": aid, "reason": reason})


def _check_deleted(
    db: Database,
    client: StravaClient,
    report: SyncReport,
    sid: str,
    aid: int,
    start: datetime,
    dry_run: bool,
    now: datetime,
) -> None:
    """A known run inside the listed window that Strava no longer lists: flag it when
    its detail answers 404 (kept, with its journal); else follow its detail."""
    row_extra, row_name = _stored(db, aid)
    if row_extra.get("strava_deleted"):
        return  # flagged by an earlier sync
    entry = {"strava_id": sid, "name": row_name, "start_time": start.isoformat()}
    try:
        raw = client.activity(int(sid))
    except NotFound:
        report.deleted.append(
            {**entry, "activity_id": aid, "reason": "deleted on Strava (kept here, flagged)"}
        )
        if not dry_run:
            with db.session() as s, s.begin():
                row = repo.activity(s, aid)
                if row is not None:
                    repo.save_activity(
                        s, replace(row, extra={**row.extra, "strava_deleted": now.isoformat()})
                    )
        return
    # on Strava, but not listed (privacy?): follow its detail
    changes = _apply_detail(db, aid, raw, now, write=not dry_run)
    if changes:
        report.updated.append({**entry, "activity_id": aid, "changes": changes})


def _sync(
    db: Database,
    client: StravaClient,
    report: SyncReport,
    since: date | None,
    recheck_days: int,
    dry_run: bool,
    progress: Progress | None,
    now: datetime,
) -> None:
    from deliberun.services.importer import ESTIMATES_KEY

    with db.session() as s:
        index = strava_repo.strava_index(s)
        state = strava_repo.get_state(s)
        settings = get_settings(s).to_dict()
        settings[ESTIMATES_KEY] = estimates_in_use(s)  # the import's way: metrics on them
    after, recheck_after = _windows(index, state, since, recheck_days)
    items = _list_window(client, after)
    listed = {str(i["id"]) for i in items}
    failed_state: dict[str, Any] = dict(state.get("failed") or {})
    total = len(items)

    for n, item in enumerate(items, 1):
        sid = str(item["id"])
        start = _start_of(item)
        entry = {"strava_id": sid, "name": item.get("name"), "start_time": start.isoformat()}
        try:
            known = index.get(sid)
            if known is not None:
                recheck = since is not None or start > recheck_after
                _known(db, client, report, item, entry, known[0], recheck, dry_run, now)
            else:
                _unknown(db, client, report, item, entry, settings, dry_run, now)
            failed_state.pop(sid, None)
        except RateLimited:
            raise
        except NotAnActivityError as exc:
            report.skipped.append({**entry, "reason": exc.reason})
        except NotFound as exc:  # deleted between the list and the detail
            report.failed.append({**entry, "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - one run's fault; the batch goes on
            if isinstance(exc, StravaError | ReadError | ValueError):
                error = getattr(exc, "reason", None) or str(exc)
            else:
                error = f"internal error ({type(exc).__name__}: {exc}); please report it"
            report.failed.append({**entry, "error": error})
            failed_state[sid] = {"start": start.isoformat(), "error": error}
        if progress is not None:
            progress(n, total, item.get("name") or sid)

    # deletions: known ids inside the fully listed window that Strava no longer lists
    for sid, (aid, start) in sorted(index.items()):
        if start > after and sid not in listed:
            try:
                _check_deleted(db, client, report, sid, aid, start, dry_run, now)
            except RateLimited:
                raise
            except StravaError as exc:  # not confirmed: not flagged; the next sync asks again
                report.failed.append(
                    {"strava_id": sid, "activity_id": aid, "start_time": start.isoformat(),
                     "error": str(exc)}
                )  # fmt: skip
    if not dry_run:
        with db.session() as s, s.begin():
            st = strava_repo.get_state(s)
            st.update(failed=failed_state, last_sync_at=now.isoformat())
            strava_repo.set_state(s, st)
