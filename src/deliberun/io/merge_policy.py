"""Which source wins when the same run arrives twice: the merge policy of the import.

``deliberun.io.same_run`` decides *whether* two recordings are the same run; this
module decides *what the merged activity keeps*, on plain values:

- the **streams and file columns** of the richer recording: more stream kinds, then
  more samples (``is_richer``); on a tie the stored one stays;
- the **name and description** an export gave (Strava CSV, Garmin summaries:
  ``extra["name_source"]`` in ``EXPORT_NAME_SOURCES``) over any file's; otherwise the
  richer recording's, falling back to the other's when it has none;
- the **extra fields**: the richer recording's, completed by the other's; the export's
  fields (``EXPORT_EXTRA_FIELDS``: perceived exertion, gear, ids) stay when an export
  named the run;
- an export's metadata arriving with the new source (``with_export_meta``) wins last:
  its non-empty name, description and fields replace the merged ones.

No database, no clock: ``services.importer`` reads the stored activity, calls
``merged_text`` and writes the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Export fields (Strava CSV, Garmin summaries) that describe the run better than the file does.
EXPORT_TEXT_FIELDS = ("name", "description")
EXPORT_EXTRA_FIELDS = (
    "perceived_exertion",
    "gear",
    "strava_id",
    "type",
    "commute",
    "garmin_id",
    "garmin_type",
)
#: ``extra["name_source"]`` of a name given by an export (kept over a file's name on merge).
EXPORT_NAME_SOURCES = frozenset({"strava", "garmin"})


def name_source(meta: Mapping[str, Any]) -> str:
    """Which export named the run: ``garmin`` for a Garmin Connect export, else ``strava``."""
    return "garmin" if meta.get("source") == "garmin_export" else "strava"


@dataclass(frozen=True)
class Text:
    """What describes an activity besides its recording: name, description, extra fields."""

    name: str | None
    description: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def _given(value: Any) -> bool:
    return value not in (None, "")


def with_export_meta(text: Text, meta: Mapping[str, Any]) -> Text:
    """``text`` after an export's metadata: its non-empty name (which then records the
    export as ``name_source``), description and ``EXPORT_EXTRA_FIELDS`` win."""
    name, description, extra = text.name, text.description, dict(text.extra)
    if _given(meta.get("name")):
        name = str(meta["name"])
        extra["name_source"] = name_source(meta)
    if _given(meta.get("description")):
        description = str(meta["description"])
    for key in EXPORT_EXTRA_FIELDS:
        if _given(meta.get(key)):
            extra[key] = meta[key]
    return Text(name, description, extra)


def is_richer(new_kinds: int, new_samples: int, old_kinds: int, old_samples: int) -> bool:
    """Whether the new recording replaces the stored one's streams: more stream kinds,
    then more samples (a tie keeps the stored one)."""
    return (new_kinds, new_samples) > (old_kinds, old_samples)


def export_named(extra: Mapping[str, Any]) -> bool:
    """Whether an export gave the stored activity its name (``name_source``)."""
    return extra.get("name_source") in EXPORT_NAME_SOURCES


def merged_text(old: Text, new: Text, *, richer: bool, meta: Mapping[str, Any]) -> Text:
    """The name, description and extra fields of the stored activity ``old`` after the
    same run arrives again as ``new`` (its file's own text) with the export metadata
    ``meta`` ({} when none); ``richer``: whether the new recording's streams replace the
    stored ones (``is_richer``). See the module notes for the rules."""
    named = export_named(old.extra)
    if richer:
        extra = {**new.extra, **{k: v for k, v in old.extra.items() if k not in new.extra}}
        if named:
            name, description = old.name, old.description
            for key in (*EXPORT_EXTRA_FIELDS, "name_source"):
                if key in old.extra:
                    extra[key] = old.extra[key]
        else:
            name = new.name or old.name
            description = new.description or old.description
    else:
        extra = dict(old.extra)
        description = old.description
        name = new.name if not named and not old.name and new.name else old.name
    merged = Text(name, description, extra)
    return with_export_meta(merged, meta) if meta else merged
