"""The weekly report as a picture: PNG (one tall page) or PDF (A4 pages), by matplotlib.

``deliberun report --week DATE --out week.png|week.pdf`` draws the same dict as
the HTML report (``deliberun.services.dashboard.week_report``) for runners who
would rather look than read:

1. a header: the week, what was done, the compliance of the week;
2. planned vs done per day: bars of the planned and the done minutes, the
   compliance colour of each day, the planned workout type above its day;
3. load, fitness, fatigue and form over the last weeks (the athlete service's
   daily series), the reported week shaded;
4. each day in words (planned workout and what was run);
5. the practice area's weekly review, every sentence with its evidence (the
   activity ids and values it rests on).

Matplotlib's object API on the Agg canvas only (no ``pyplot``, no global
state), so it is safe in any thread and never opens a window. The page is laid
out in inches from the top: blocks of fixed height (charts, text lines), cut
into A4 pages for a PDF and stacked into one image for a PNG.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deliberun.units import clock, day, distance, number

#: Page geometry [in]: A4 portrait.
PAGE_W_IN = 8.27
PAGE_H_IN = 11.69
MARGIN_IN = 0.55
#: Resolution of the PNG [dots per inch].
PNG_DPI = 110
#: Characters per line of body text at 9 pt on an A4 page with our margins.
WRAP = 100

#: Colours: compliance as on the dashboard, the load chart's series.
COLOURS = {
    "green": "#2e9d5b",
    "yellow": "#d9a400",
    "red": "#d0453a",
    "planned": "#b9c4d0",
    "done": "#3b6ea8",
    "load": "#c9ced6",
    "fitness": "#3b6ea8",
    "fatigue": "#d0453a",
    "form": "#2e9d5b",
    "text": "#1d2733",
    "meta": "#6b7785",
}
FORMATS = ("png", "pdf")


@dataclass
class Block:
    """One piece of the page: a height [in] and how to draw it into a figure."""

    height_in: float
    kind: str  # "title" | "heading" | "text" | "evidence" | "chart_days" | "chart_fitness"
    payload: Any = None


def _text_blocks(text: str, kind: str = "text", indent: str = "") -> list[Block]:
    width = WRAP - len(indent)
    lines = textwrap.wrap(text, width=width, subsequent_indent="   ") or [""]
    height = 0.19 if kind == "text" else 0.17
    return [Block(height, kind, indent + line) for line in lines]


def _evidence_text(evidence: list[dict[str, Any]]) -> str | None:
    ids: list[str] = []
    values: list[str] = []
    for e in evidence or []:
        ids += [str(i) for i in e.get("activity_ids") or [] if str(i) not in ids]
        for k, v in (e.get("values") or {}).items():
            if isinstance(v, float):
                values.append(f"{k} {v:.3g}")
            elif isinstance(v, int | str):
                values.append(f"{k} {v}")
            elif isinstance(v, list) and v:
                values.append(f"{k} {', '.join(str(x) for x in v)}")
        if e.get("interval"):
            lo, hi = e["interval"]
            values.append(f"90 % interval {lo:.3g} to {hi:.3g}")
    parts = []
    if ids:
        more = " …" if len(ids) > 12 else ""
        parts.append("activities " + ", ".join(ids[:12]) + more)
    if values:
        parts.append("; ".join(values[:6]))
    return "evidence: " + " · ".join(parts) if parts else None


def _planned_text(p: dict[str, Any]) -> str:
    """ "race: 42.195km" reads "race 42.2 km"; a type repeated by its text is said once."""
    kind = str(p.get("workout_type") or "").replace("_", " ")
    text = str(p.get("text") or "")
    if text.lower().startswith(kind.lower()):
        return text
    return f"{kind} {text}".strip()


def _short_day(value: Any) -> str:
    """``Sun 1 Mar`` (the week is in the title, its year is not repeated)."""
    return day(value).rsplit(" ", 1)[0]


def _day_line(d: dict[str, Any], units: str) -> str:
    planned = "; ".join(_planned_text(p) for p in d.get("planned") or [])
    done = "; ".join(
        f"{a.get('name') or a.get('sport')} {distance(a.get('distance_m'), units, 1)} "
        f"in {clock(a.get('moving_time_s') or a.get('timer_time_s'))} (#{a.get('id')})"
        for a in d.get("done") or []
    )
    comp = d.get("compliance") or {}
    status = f" [{comp.get('colour')}: {comp.get('status')}]" if comp.get("colour") else ""
    return (
        f"{_short_day(d['date'])} — planned: {planned or 'rest'}; done: {done or 'nothing'}{status}"
    )


def layout(data: dict[str, Any]) -> list[Block]:
    """The report as blocks from top to bottom (pure: no drawing)."""
    units = data.get("units") or "metric"
    week = data.get("week") or {}
    totals = week.get("totals") or {}
    blocks = [Block(0.45, "title", f"Week of {day(data['week_start'])} to {day(data['week_end'])}")]
    summary = (
        f"Done: {totals.get('count', 0)} runs, {distance(totals.get('distance_m'), units, 1)}, "
        f"{clock(totals.get('moving_time_s'))}."
    )
    comp = week.get("compliance") or {}
    if comp.get("colour"):
        ratio = comp.get("duration_ratio")
        pct = f" ({number(ratio * 100, 0)} % of the planned time)" if ratio is not None else ""
        summary += f" Compliance {comp['colour']}{pct}."
    if data.get("form", {}).get("available"):
        c = data["form"].get("current") or {}
        summary += (
            f" Form at the end of the week: fitness {number(c.get('fitness'))}, "
            f"fatigue {number(c.get('fatigue'))}, form {number(c.get('form'))}."
        )
    blocks += _text_blocks(summary)
    blocks.append(Block(0.1, "space"))
    blocks.append(Block(2.5, "chart_days", {"days": week.get("days") or [], "units": units}))
    fit = data.get("fitness") or {}
    if fit.get("available") and fit.get("days"):
        blocks.append(Block(0.15, "space"))
        blocks.append(
            Block(2.6, "chart_fitness", {"days": fit["days"], "week_start": data["week_start"]})
        )
    blocks.append(Block(0.4, "heading", "Day by day"))
    for d in week.get("days") or []:
        blocks += _text_blocks(_day_line(d, units))
    if not (data.get("plan") or {}).get("available", True):
        blocks += _text_blocks(str(data["plan"].get("hint") or "no plan"), "evidence")
    blocks.append(Block(0.4, "heading", "Review"))
    review = data.get("review") or {}
    if not review.get("available"):
        blocks += _text_blocks(str(review.get("hint") or "no review"), "evidence")
        return blocks
    if review.get("advice"):
        blocks += _text_blocks(f"Next week: {str(review['advice']).replace('_', ' ')}.")
    for sec in review.get("sections") or []:
        blocks.append(Block(0.3, "subheading", sec.get("title") or ""))
        for s in sec.get("sentences") or []:
            blocks += _text_blocks("• " + str(s.get("text") or ""))
            ev = _evidence_text(s.get("evidence") or [])
            if ev:
                blocks += _text_blocks(ev, "evidence", indent="   ")
    return blocks


#: Blocks kept on the same page as the block after them.
HEADINGS = frozenset({"title", "heading", "subheading"})


def paginate(blocks: list[Block], page_h_in: float = PAGE_H_IN) -> list[list[Block]]:
    """Cut the blocks into pages of ``page_h_in``.

    A block never straddles two pages, and a heading is never the last block of
    a page (it moves to the next page with the block it introduces).
    """
    room = page_h_in - 2 * MARGIN_IN
    pages: list[list[Block]] = [[]]
    used = 0.0
    for i, b in enumerate(blocks):
        need = b.height_in
        if b.kind in HEADINGS and i + 1 < len(blocks):  # a heading stays with what follows
            need += blocks[i + 1].height_in
        if pages[-1] and used + need > room:
            pages.append([])
            used = 0.0
        if not pages[-1] and b.kind == "space":
            continue
        pages[-1].append(b)
        used += b.height_in
    return pages


def _draw_days(ax: Any, payload: dict[str, Any]) -> None:
    days = payload["days"]
    x = list(range(len(days)))
    planned = []
    done = []
    colours = []
    for d in days:
        comp = d.get("compliance") or {}
        p = comp.get("planned_duration_s")
        planned.append((p or 0.0) / 60.0)
        done_s = sum(
            (a.get("moving_time_s") or a.get("timer_time_s") or 0.0) for a in d.get("done") or []
        )
        done.append(done_s / 60.0)
        colours.append(COLOURS.get(str(comp.get("colour")), COLOURS["done"]))
    w = 0.38
    ax.bar([i - w / 2 for i in x], planned, w, color=COLOURS["planned"], label="planned")
    ax.bar([i + w / 2 for i in x], done, w, color=colours, label="done")
    top = max([*planned, *done, 10.0])
    for i, d in enumerate(days):
        kinds = ", ".join(
            str(p.get("workout_type", "")).replace("_", " ") for p in d.get("planned") or []
        )
        if kinds:
            ax.text(
                i - w / 2,
                planned[i] + top * 0.02,
                kinds,
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
                color=COLOURS["meta"],
            )
        dist = sum(a.get("distance_m") or 0.0 for a in d.get("done") or [])
        if dist:
            ax.text(
                i + w / 2,
                done[i] + top * 0.02,
                distance(dist, payload["units"], 1),
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
                color=COLOURS["text"],
            )
    ax.set_ylim(0, top * 1.45)
    ax.set_xticks(x, [_short_day(d["date"]) for d in days], fontsize=8)
    ax.set_ylabel("minutes", fontsize=8)
    ax.set_title(
        "Planned vs done per day (done bars coloured by compliance)", fontsize=10, loc="left"
    )
    ax.legend(fontsize=7, loc="upper left", frameon=False, ncols=2)
    _tidy(ax)


def _draw_fitness(ax: Any, payload: dict[str, Any]) -> None:
    days = payload["days"]
    xs = [date.fromisoformat(str(d["date"])[:10]) for d in days]
    load = [d.get("load") or 0.0 for d in days]
    ax2 = ax.twinx()
    ax2.bar(xs, load, width=0.8, color=COLOURS["load"], label="load", zorder=1)
    ax2.set_ylabel("daily load", fontsize=8, color=COLOURS["meta"])
    ax2.tick_params(labelsize=7, colors=COLOURS["meta"])
    ax2.spines[["top", "left"]].set_visible(False)
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    for key in ("fitness", "fatigue", "form"):
        ys = [d.get(key) for d in days]
        ys = [float("nan") if v is None else v for v in ys]
        ax.plot(xs, ys, color=COLOURS[key], lw=1.6, label=key)
    ax.axhline(0, color=COLOURS["meta"], lw=0.6)
    start = date.fromisoformat(payload["week_start"])
    # shaded on the load axis, under its bars (the lines' axis is drawn above both)
    ax2.axvspan(
        start - timedelta(hours=12), start + timedelta(days=6, hours=12), color="#f2e8c9", zorder=0
    )
    ax.set_title(
        "Load, fitness, fatigue and form (the reported week shaded)", fontsize=10, loc="left"
    )
    ax.legend(fontsize=7, loc="upper left", frameon=False, ncols=3)
    ax.xaxis.set_major_formatter(_date_formatter())
    _tidy(ax)


def _date_formatter() -> Any:
    from matplotlib.dates import DateFormatter

    return DateFormatter("%d %b")


def _tidy(ax: Any) -> None:
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)


TEXT_STYLE: dict[str, dict[str, Any]] = {
    "title": {"fontsize": 16, "weight": "bold", "color": COLOURS["text"]},
    "heading": {"fontsize": 12.5, "weight": "bold", "color": COLOURS["text"]},
    "subheading": {"fontsize": 10, "weight": "bold", "color": COLOURS["text"]},
    "text": {"fontsize": 9, "color": COLOURS["text"]},
    "evidence": {"fontsize": 7.5, "color": COLOURS["meta"]},
}


def draw_page(blocks: list[Block], height_in: float, footer: str | None = None) -> Any:
    """One matplotlib ``Figure`` (Agg canvas) with ``blocks`` laid out from the top."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(PAGE_W_IN, height_in))
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    y = height_in - MARGIN_IN  # top of the next block [in]
    left = MARGIN_IN / PAGE_W_IN
    for b in blocks:
        if b.kind in TEXT_STYLE:
            fig.text(
                left,
                (y - b.height_in * 0.75) / height_in,
                b.payload,
                ha="left",
                va="baseline",
                **TEXT_STYLE[b.kind],
            )
        elif b.kind in ("chart_days", "chart_fitness"):
            pad_top, pad_bottom = 0.3, 0.35
            ax = fig.add_axes(
                (
                    left + 0.55 / PAGE_W_IN,
                    (y - b.height_in + pad_bottom) / height_in,
                    1 - 2 * left - 1.15 / PAGE_W_IN,
                    (b.height_in - pad_top - pad_bottom) / height_in,
                )
            )
            (_draw_days if b.kind == "chart_days" else _draw_fitness)(ax, b.payload)
        y -= b.height_in
    if footer:
        fig.text(left, 0.3 / height_in, footer, fontsize=7, color=COLOURS["meta"])
    return fig


def figures(data: dict[str, Any], fmt: str) -> Iterator[Any]:
    """The report's figures: one tall page for ``png``, A4 pages for ``pdf``."""
    blocks = layout(data)
    stamp = f"deliberun report · written {day(data.get('today'))}"
    if fmt == "png":
        height = max(PAGE_H_IN, sum(b.height_in for b in blocks) + 2 * MARGIN_IN)
        yield draw_page(blocks, height, stamp)
        return
    pages = paginate(blocks)
    for i, page in enumerate(pages, 1):
        yield draw_page(page, PAGE_H_IN, f"{stamp} · page {i} of {len(pages)}")


def page_count(data: dict[str, Any], fmt: str) -> int:
    """How many pages ``write_report_image`` writes (1 for a PNG)."""
    return 1 if fmt == "png" else len(paginate(layout(data)))


def format_of(path: Path) -> str:
    """``png`` or ``pdf`` from the file name, else ``ValueError`` saying what to use."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot write a report as {path.name!r}: name the file .png, .pdf or .html"
        )
    return fmt


def write_report_image(data: dict[str, Any], path: Path) -> int:
    """Draw ``week_report`` data into ``path`` (.png or .pdf); returns the number of pages."""
    fmt = format_of(path)
    if fmt == "png":
        (fig,) = figures(data, "png")
        fig.savefig(path, format="png", dpi=PNG_DPI, metadata={"Software": "deliberun"})
        return 1
    from matplotlib.backends.backend_pdf import PdfPages

    n = 0
    meta = {"Title": f"Week of {data['week_start']}", "Creator": "deliberun", "CreationDate": None}
    with PdfPages(path, metadata=meta) as pdf:
        for fig in figures(data, "pdf"):
            pdf.savefig(fig)
            n += 1
    return n


__all__ = ["FORMATS", "format_of", "layout", "page_count", "write_report_image"]
