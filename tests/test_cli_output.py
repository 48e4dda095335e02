"""The terminal table: in a narrow terminal values wrap; nothing is cut off."""

from __future__ import annotations

from rich.console import Console

from deliberun.cli.output import table


def test_narrow_terminal_cuts_nothing() -> None:
    columns = ["date", "activity", "RPE", "sleep", "tags", "notes", "from"]
    row = ["2026-04-28", "151", "3", "7.0", "strides, fuelling",
           "Warm up + 3k + 2k + 1k, then 6 x 100 m strides", "journal"]  # fmt: skip
    console = Console(width=60, record=True)
    console.print(table("Journal", columns, [row]))
    lines = [ln for ln in console.export_text().splitlines() if ln.startswith("│")]
    assert "…" not in "".join(lines)
    # read each column top to bottom: every value is there, whole
    for i, value in enumerate(row):
        folded = "".join(ln.split("│")[i + 1].strip() for ln in lines)
        assert folded.replace(" ", "") == value.replace(" ", ""), (i, folded)
