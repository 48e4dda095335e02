"""The import's merge policy (``deliberun.io.merge_policy``), on values: which source's
streams, name, description and extra fields the merged activity keeps."""

from __future__ import annotations

from deliberun.io.merge_policy import (
    Text,
    export_named,
    is_richer,
    merged_text,
    name_source,
    with_export_meta,
)

STRAVA = {"source": "strava_export", "name": "Long run", "description": "hilly", "gear": "Pegasus"}


def test_richer_means_more_stream_kinds_then_more_samples() -> None:
    assert is_richer(5, 100, 4, 10_000)  # a kind more beats many more samples
    assert is_richer(4, 3601, 4, 3600)
    assert not is_richer(4, 3600, 4, 3600)  # a tie keeps the stored recording
    assert not is_richer(3, 10_000, 4, 100)


def test_name_source_names_the_export() -> None:
    assert name_source({"source": "garmin_export"}) == "garmin"
    assert name_source({"source": "strava_export"}) == "strava"
    assert name_source({}) == "strava"
    assert export_named({"name_source": "garmin"})
    assert not export_named({"name_source": "file"})
    assert not export_named({})


def test_an_exports_meta_wins_over_the_files_text() -> None:
    text = Text("Morning Run", "from the watch", {"device_rpe": 3, "gear": "old"})
    out = with_export_meta(text, {**STRAVA, "perceived_exertion": 7, "commute": ""})
    assert out.name == "Long run"
    assert out.description == "hilly"
    assert out.extra == {
        "device_rpe": 3,
        "gear": "Pegasus",
        "name_source": "strava",
        "perceived_exertion": 7,
    }  # the empty commute is not taken
    assert text.extra == {"device_rpe": 3, "gear": "old"}  # the input is not changed


def test_empty_export_values_leave_the_text() -> None:
    text = Text("Morning Run", "from the watch", {"name_source": "file"})
    out = with_export_meta(text, {"source": "garmin_export", "name": "", "description": None})
    assert out == text


def test_a_richer_file_keeps_the_export_name_and_fields() -> None:
    old = Text("Long run", "hilly", {"name_source": "strava", "gear": "Pegasus", "strava_id": 9})
    new = Text("Morning Run", "watch text", {"gear": "watch gear", "training_effect": 3.1})
    out = merged_text(old, new, richer=True, meta={})
    assert (out.name, out.description) == ("Long run", "hilly")
    assert out.extra == {
        "gear": "Pegasus",
        "training_effect": 3.1,
        "name_source": "strava",
        "strava_id": 9,
    }


def test_a_richer_file_names_a_run_no_export_named() -> None:
    old = Text("Run", None, {"a": 1, "b": 2})
    new = Text("Tempo", None, {"b": 3})
    out = merged_text(old, new, richer=True, meta={})
    assert out.name == "Tempo"
    assert out.description is None
    assert out.extra == {"b": 3, "a": 1}  # the new file's fields, completed by the old
    # a richer file without a name keeps the stored one
    assert merged_text(old, Text(None, "d", {}), richer=True, meta={}).name == "Run"


def test_a_poorer_file_only_names_an_unnamed_run() -> None:
    new = Text("Tempo", "watch text", {"gear": "watch gear"})
    unnamed = Text(None, "mine", {"a": 1})
    out = merged_text(unnamed, new, richer=False, meta={})
    assert out == Text("Tempo", "mine", {"a": 1})
    named = Text("Run", None, {})
    assert merged_text(named, new, richer=False, meta={}) == named
    # an export's name stays even when it is empty text
    exported = Text("", None, {"name_source": "garmin"})
    assert merged_text(exported, new, richer=False, meta={}) == exported


def test_the_new_sources_export_meta_wins_last() -> None:
    old = Text("Long run", "hilly", {"name_source": "strava"})
    new = Text("Morning Run", None, {})
    out = merged_text(old, new, richer=True, meta={"source": "garmin_export", "name": "LR"})
    assert out.name == "LR"
    assert out.description == "hilly"
    assert out.extra["name_source"] == "garmin"
