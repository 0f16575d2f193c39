"""/coach/bereik as the page shows it: the filter choices, and server-rendered SVG bar charts drawn from the
same suppressed figures as the tables beside them (a "<5" is a hatched stub of fixed length, a hidden figure
no bar at all, so no bar is longer or shorter than what the table says)."""

from dataclasses import dataclass
from typing import Any

from coach.reach.report import Figure, Report, Table

BAR_AREA = 300  # px for the longest bar
LABEL_WIDTH = 230
ROW_HEIGHT = 26
STUB = 6  # px, the bar of a "<5"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int
    small: bool


@dataclass(frozen=True)
class Chart:
    kind: str  # "rows" (horizontal bars) or "time" (one column per period)
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    description: str


def _length(figure: Figure, longest: int, area: int) -> tuple[int, bool]:
    if figure.state == "small":
        return STUB, True
    if not figure.shown or longest == 0:
        return 0, False
    return max(1, round(figure.value * area / longest)), False


def _shorten(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def chart_of(table: Table) -> Chart | None:
    """The chart beside a table: its first column (or, for tables over time, each period's total)."""
    if table.chart == "none":
        return None
    if table.chart == "time":
        figures = [(row.label, row.total) for row in table.rows if row.total is not None]
        description = f"Staafdiagram: {table.title.lower()}, het totaal per periode. De cijfers staan in de tabel."
    elif table.chart == "totals" and table.total_row is not None:
        figures = list(zip(table.columns, table.total_row.cells, strict=True))
        description = f"Staafdiagram: {table.title.lower()}, over de hele periode. De cijfers staan in de tabel."
    else:
        figures = [(("★ " if row.marked else "") + row.label, row.cells[0]) for row in table.rows]
        description = f"Staafdiagram: {table.title.lower()}. De cijfers staan in de tabel."
    longest = max((figure.bar for _, figure in figures), default=0)
    bars = []
    for index, (label, figure) in enumerate(figures):
        width, small = _length(figure, longest, BAR_AREA)
        bars.append(Bar(_shorten(label), figure.text, index * ROW_HEIGHT, width, small))
    return Chart(
        kind="rows",
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + 60,
        height=max(len(bars), 1) * ROW_HEIGHT + 4,
        label_width=LABEL_WIDTH,
        description=description,
    )


def page_context(report: Report) -> dict[str, Any]:
    return {
        "sections": [{"table": table, "chart": chart_of(table)} for table in report.tables],
        "medians": report.medians,
    }
