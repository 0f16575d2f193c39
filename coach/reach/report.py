"""The tables of /coach/bereik, read from the week counts with one GROUP BY per kind of figure, every figure
suppressed together (coach/reach/suppression.py), so that the page, its charts and its CSV files show the same.

Medians per team come from the duration histograms (coach/reach/counting.py BUCKET_EDGES_HOURS): the bucket
holding the middle intake is shown ("1 tot 2 dagen"); no per-intake duration exists to compute more exactly.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from coach import labels, reference
from coach.models import ConversationCount, ReachCount
from coach.reach import release
from coach.reach.counting import BUCKET_EDGES_HOURS, CHANNELS, TARGET_GROUPS, UNKNOWN
from coach.reach.suppression import SHOWN, Suppression, shown_text
from coach.reach.weeks import month_of, week_label
from coach.schemas import LANGUAGE_CODES, NEED_IDS

NEED_STATES = ("reported", "skipped", "to_assess", "not_reported")
STAGES_AFTER_SENT = ("taken", "contacted", "closed")
ANSWER_MEASURES = ("age_band", "income", "referral")
STOPS_HINT = "Gesprekken die eindigden zonder doorgeven: gestopt, of verlopen na de bewaartijd."


@dataclass(frozen=True)
class Filters:
    start: date  # a Monday
    end: date  # a Monday, included
    by_month: bool = False
    team: str | None = None  # a team key, "" for intakes without a team, None for all
    language: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Figure:
    value: int
    state: str

    @property
    def text(self) -> str:
        return shown_text(self.value, self.state)

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def bar(self) -> int:
        """The length a chart may draw: the value when shown, a fixed stub for "<5", nothing when hidden."""
        if self.state == SHOWN:
            return self.value
        return 0


@dataclass
class Row:
    label: str
    cells: list[Figure]
    total: Figure | None = None
    marked: bool = False  # a wijk the call names as most vulnerable
    note: str = ""


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[Row]
    total_row: Row | None = None
    hint: str = ""
    chart: str = "bars"  # bars (the first column), time (each period's total), totals (the total row), none
    row_header: str = ""


@dataclass
class Report:
    tables: list[Table] = field(default_factory=list)
    medians: list[dict[str, str]] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    grid: Suppression | None = None  # every figure and line, as solved (tests attack it)

    def table(self, table_id: str) -> Table:
        return next(table for table in self.tables if table.id == table_id)


def _where(query: Any, model: Any, filters: Filters, team: bool = True) -> Any:
    query = query.where(model.week >= filters.start, model.week <= filters.end)
    if team and filters.team is not None:
        query = query.where(model.team == filters.team)
    if filters.language:
        query = query.where(model.language == filters.language)
    if filters.channel:
        query = query.where(model.channel == filters.channel)
    return query


def _periods(filters: Filters) -> list[str]:
    periods = []
    week = filters.start
    while week <= filters.end:
        key = month_of(week) if filters.by_month else week_label(week)
        if key not in periods:
            periods.append(key)
        week += timedelta(days=7)
    return periods


def _period_of(week: date, by_month: bool) -> str:
    return month_of(week) if by_month else week_label(week)


class _Builder:
    """Collects every figure with its lines, solves the suppression once, then hands out Figures."""

    def __init__(self) -> None:
        self.grid = Suppression()

    def add(self, key: Hashable, value: int) -> Hashable:
        self.grid.add(key, value)
        return key

    def line(self, cells: list[Hashable], total: Hashable) -> None:
        self.grid.line(cells, total)

    def figure(self, key: Hashable) -> Figure:
        return Figure(self.grid.values[key], self.grid.state(key))

    def total_of(self, cells: list[Hashable], total: Hashable, own_total: Hashable) -> Hashable:
        """The key of the total of `cells`: `total` when they add up to it, else `own_total`, added as their sum.

        Figures of different measures (received, wijk, age band, need, target group) are different cells: an
        erasure takes an intake's 1 from the cells that were still pending and leaves it in those already
        released (coach/reach/release.py), so after erasures the age bands need not add up to the intakes
        received. A line is then only said where it holds, and such a table gets a total of its own."""
        if sum(self.grid.values[cell] for cell in cells) == self.grid.values[total]:
            self.line(cells, total)
            return total
        self.add(own_total, sum(self.grid.values[cell] for cell in cells))
        self.line(cells, own_total)
        return own_total


def build(db: Session, filters: Filters, languages_dir: Any = None) -> Report:
    teams = {**reference.teams(), "": labels.NO_TEAM}
    team_keys = list(teams) if filters.team is None else [filters.team]
    periods = _periods(filters)
    builder = _Builder()
    cells = aliased(ReachCount, release.cells())  # reach_counts plus the pending rows (coach/reach/release.py)

    # --- Received intakes per period, by completeness, channel, language and team (one query) -------------
    received = db.execute(
        _where(
            select(cells.week, cells.team, cells.language, cells.channel, cells.value)
            .add_columns(func.sum(cells.n))
            .where(cells.measure == "received"),
            cells,
            filters,
        ).group_by(cells.week, cells.team, cells.language, cells.channel, cells.value)
    ).all()
    breakdowns: dict[str, dict[tuple[str, str], int]] = {
        name: defaultdict(int) for name in ("received", "channel", "language", "team")
    }
    for week, team, language, channel, value, n in received:
        period = _period_of(week, filters.by_month)
        breakdowns["received"][(period, value)] += n
        breakdowns["channel"][(period, channel)] += n
        breakdowns["language"][(period, language)] += n
        breakdowns["team"][(period, team)] += n
    columns = {
        "received": list(labels.COMPLETENESS),
        "channel": list(CHANNELS),
        "language": list(LANGUAGE_CODES),
        "team": team_keys,
    }
    period_totals = {
        period: sum(breakdowns["received"][(period, value)] for value in columns["received"]) for period in periods
    }
    grand = builder.add(("G",), sum(period_totals.values()))
    for period in periods:
        builder.add(("P", period), period_totals[period])
    builder.line([("P", period) for period in periods], grand)
    for name, values in columns.items():
        for value in values:
            for period in periods:
                builder.add((name, period, value), breakdowns[name][(period, value)])
            builder.add((name + "T", value), sum(breakdowns[name][(period, value)] for period in periods))
            builder.line([(name, period, value) for period in periods], (name + "T", value))
        for period in periods:
            builder.line([(name, period, value) for value in values], ("P", period))
        builder.line([(name + "T", value) for value in values], grand)

    # --- Period totals of the answers: wijk, age band, income, referral, target groups -------------------
    answer_rows = db.execute(
        _where(
            select(cells.measure, cells.value, func.sum(cells.n)).where(
                cells.measure.in_(("wijk", *ANSWER_MEASURES, "target_group"))
            ),
            cells,
            filters,
        ).group_by(cells.measure, cells.value)
    ).all()
    answers: dict[str, dict[str, int]] = defaultdict(dict)
    for measure, value, n in answer_rows:
        answers[measure][value] = int(n)
    wijken = reference.neighbourhoods(languages_dir=languages_dir)
    answer_values = {
        "wijk": [*wijken, UNKNOWN],
        "age_band": [*labels.ANSWER_VALUES["age_band"], UNKNOWN],
        "income": [*labels.ANSWER_VALUES["income"], UNKNOWN],
        "referral": [*labels.ANSWER_VALUES["referral"], UNKNOWN],
    }
    answer_totals = {}
    for measure, values in answer_values.items():
        for value in values:
            builder.add((measure, value), answers[measure].get(value, 0))
        answer_totals[measure] = builder.total_of([(measure, value) for value in values], grand, (measure + "T",))
    for group in TARGET_GROUPS:
        builder.add(("target_group", group), answers["target_group"].get(group, 0))
    # The language groups are sums of language totals shown above: say so, so they are suppressed together
    # (unless erasures made them differ, see _Builder.total_of).
    language_groups = {"bg_sk_ro": ("bg", "sk", "ro"), "dari": ("prs",)}
    for group, codes in language_groups.items():
        in_group = [("languageT", code) for code in codes]
        if sum(builder.grid.values[key] for key in in_group) == builder.grid.values[("target_group", group)]:
            builder.line(in_group, ("target_group", group))
    # and, with them, every language adds up to the total: say that too (interval reasoning would miss it).
    builder.total_of(
        [("target_group", "bg_sk_ro"), ("target_group", "dari"), ("languageT", "nl"), ("languageT", "en")],
        grand,
        ("target_groupT",),
    )

    # --- Needs: each state over all intakes; reported per team and per target group ------------------------
    need_rows = db.execute(
        _where(
            select(cells.team, cells.value, func.sum(cells.n)).where(cells.measure == "need"),
            cells,
            filters,
        ).group_by(cells.team, cells.value)
    ).all()
    needs_by_team: dict[tuple[str, str, str], int] = defaultdict(int)
    for team, value, n in need_rows:
        need_id, _, state = value.partition(":")
        needs_by_team[(need_id, state, team)] += int(n)
    need_totals = {}
    for need_id in NEED_IDS:
        for state in NEED_STATES:
            builder.add(("need", need_id, state), sum(needs_by_team[(need_id, state, team)] for team in team_keys))
        need_totals[need_id] = builder.total_of(
            [("need", need_id, state) for state in NEED_STATES], grand, ("needT", need_id)
        )
        for team in team_keys:
            builder.add(("need_team", need_id, team), needs_by_team[(need_id, "reported", team)])
        builder.line([("need_team", need_id, team) for team in team_keys], ("need", need_id, "reported"))
    group_rows = db.execute(
        _where(
            select(cells.value, func.sum(cells.n)).where(cells.measure == "group_need"),
            cells,
            filters,
        ).group_by(cells.value)
    ).all()
    group_needs = {value: int(n) for value, n in group_rows}
    for group in TARGET_GROUPS:
        for need_id in NEED_IDS:
            builder.add(("group_need", group, need_id), group_needs.get(f"{group}|{need_id}", 0))

    # --- The funnel per team and the duration histograms ----------------------------------------------------
    funnel_rows = db.execute(
        _where(
            select(cells.team, cells.measure, cells.value, func.sum(cells.n)).where(
                cells.measure.in_(("funnel", "taken_after", "contact_after"))
            ),
            cells,
            filters,
        ).group_by(cells.team, cells.measure, cells.value)
    ).all()
    funnel: dict[tuple[str, str, str], int] = defaultdict(int)
    for team, measure, value, n in funnel_rows:
        funnel[(measure, value, team)] += int(n)
    for stage in STAGES_AFTER_SENT:
        for team in team_keys:
            builder.add(("funnel", stage, team), funnel[("funnel", stage, team)])
        builder.add(("funnelT", stage), sum(funnel[("funnel", stage, team)] for team in team_keys))
        builder.line([("funnel", stage, team) for team in team_keys], ("funnelT", stage))
    conversation = db.execute(
        _where(
            select(ConversationCount.event, func.sum(ConversationCount.n)), ConversationCount, filters, team=False
        ).group_by(ConversationCount.event)
    ).all()
    events = {event: int(n) for event, n in conversation}
    if filters.team is None:
        for event in ("started", "consented"):
            builder.add(("conversation", event), events.get(event, 0))

    # --- Where people stop: question x language, question x channel ----------------------------------------
    stop_rows = db.execute(
        _where(
            select(
                ConversationCount.question,
                ConversationCount.language,
                ConversationCount.channel,
                func.sum(ConversationCount.n),
            ).where(ConversationCount.event.in_(("stopped", "expired"))),
            ConversationCount,
            filters,
            team=False,
        ).group_by(ConversationCount.question, ConversationCount.language, ConversationCount.channel)
    ).all()
    stops: dict[tuple[str, str, str], int] = defaultdict(int)
    for question, language, channel, n in stop_rows:
        stops[(question, language, channel)] += int(n)
    questions = sorted(
        {question for question, _, _ in stops}, key=lambda q: -sum(n for key, n in stops.items() if key[0] == q)
    )
    stop_languages = list(LANGUAGE_CODES)
    stop_channels = list(CHANNELS)
    if filters.team is None:
        for question in questions:
            builder.add(("stopQ", question), sum(n for key, n in stops.items() if key[0] == question))
            for language in stop_languages:
                builder.add(("stopL", question, language), sum(stops[(question, language, c)] for c in stop_channels))
            for channel in stop_channels:
                builder.add(
                    ("stopC", question, channel), sum(stops[(question, lang, channel)] for lang in stop_languages)
                )
            builder.line([("stopL", question, language) for language in stop_languages], ("stopQ", question))
            builder.line([("stopC", question, channel) for channel in stop_channels], ("stopQ", question))
        builder.add(("stopG",), sum(stops.values()))
        builder.line([("stopQ", question) for question in questions], ("stopG",))
        for language in stop_languages:
            builder.add(("stopLT", language), sum(n for key, n in stops.items() if key[1] == language))
            builder.line([("stopL", question, language) for question in questions], ("stopLT", language))
        for channel in stop_channels:
            builder.add(("stopCT", channel), sum(n for key, n in stops.items() if key[2] == channel))
            builder.line([("stopC", question, channel) for question in questions], ("stopCT", channel))
        builder.line([("stopLT", language) for language in stop_languages], ("stopG",))
        builder.line([("stopCT", channel) for channel in stop_channels], ("stopG",))

    builder.grid.solve()
    figure = builder.figure
    report = Report(periods=periods, grid=builder.grid)

    # --- Tables, in page order -------------------------------------------------------------------------------
    names = {
        "received": labels.COMPLETENESS,
        "channel": labels.CHANNELS,
        "language": labels.LANGUAGE_NAMES,
        "team": teams,
    }
    titles = {
        "received": "Aanmeldingen per periode, volledig en onvolledig",
        "channel": "Aanmeldingen per kanaal",
        "language": "Aanmeldingen per taal",
        "team": "Aanmeldingen per team",
    }
    for name, values in columns.items():
        report.tables.append(
            Table(
                id=f"per_{name}",
                title=titles[name],
                row_header="Periode",
                columns=[names[name].get(value, value) for value in values],
                rows=[
                    Row(period, [figure((name, period, value)) for value in values], figure(("P", period)))
                    for period in periods
                ],
                total_row=Row("Totaal", [figure((name + "T", value)) for value in values], figure(grand)),
                chart="time" if name == "received" else "totals",
            )
        )
    wijk_rows = [
        Row(
            wijken[value].name if value in wijken else labels.UNKNOWN_ANSWER,
            [figure(("wijk", value))],
            marked=bool(value in wijken and wijken[value].priority),
            note=wijken[value].team if value in wijken else "",
        )
        for value in answer_values["wijk"]
    ]
    report.tables.append(
        Table(
            id="per_wijk",
            title="Aanmeldingen per wijk",
            row_header="Wijk",
            columns=["Aanmeldingen"],
            rows=wijk_rows,
            total_row=Row("Totaal", [figure(answer_totals["wijk"])]),
            hint="Gemarkeerd (★): de zeven meest kwetsbare wijken uit de oproep (config/neighbourhoods.yml).",
        )
    )
    for measure, title in (("age_band", "Leeftijd"), ("income", "Inkomen"), ("referral", "Doorverwezen door")):
        report.tables.append(
            Table(
                id=f"per_{measure}",
                title=f"Aanmeldingen per antwoord: {title.lower()}",
                row_header=title,
                columns=["Aanmeldingen"],
                rows=[
                    Row(
                        labels.ANSWER_VALUES[measure].get(value, labels.UNKNOWN_ANSWER),
                        [figure((measure, value))],
                    )
                    for value in answer_values[measure]
                ],
                total_row=Row("Totaal", [figure(answer_totals[measure])]),
            )
        )
    report.tables.append(
        Table(
            id="target_groups",
            title="Doelgroepen van de oproep",
            row_header="Doelgroep",
            columns=["Aanmeldingen"],
            rows=[Row(labels.TARGET_GROUPS[group], [figure(("target_group", group))]) for group in TARGET_GROUPS],
            hint="Afgeleid uit de antwoorden; een aanmelding kan in meer doelgroepen vallen. Alleenstaande ouders: "
            "de aanmelding vraagt dit nog niet, dus deze rij blijft leeg.",
        )
    )
    support = reference.needs()
    need_order = sorted(NEED_IDS, key=lambda need_id: _sort_key(figure(("need", need_id, "reported"))))
    report.tables.append(
        Table(
            id="needs",
            title="Noden: hoe vaak aangegeven, overgeslagen of te beoordelen",
            row_header="Nood",
            columns=[labels.REACH_NEED_STATES[state] for state in NEED_STATES],
            rows=[
                Row(
                    support[need_id].label if need_id in support else need_id,
                    [figure(("need", need_id, state)) for state in NEED_STATES],
                    figure(need_totals[need_id]),
                    note=", ".join(support[need_id].support) if need_id in support else "",
                )
                for need_id in need_order
            ],
            hint="Gesorteerd op hoe vaak de nood aangegeven werd. Onder elke nood: de ondersteuning die ze vraagt "
            "(config/needs.yml). Geobserveerde noden vraagt de assistent nooit: die blijven te beoordelen.",
        )
    )
    report.tables.append(
        Table(
            id="needs_per_team",
            title="Aangegeven noden per team",
            row_header="Nood",
            columns=[teams[team] for team in team_keys],
            rows=[
                Row(
                    support[need_id].label if need_id in support else need_id,
                    [figure(("need_team", need_id, team)) for team in team_keys],
                    figure(("need", need_id, "reported")),
                )
                for need_id in need_order
            ],
            total_row=Row("Aanmeldingen", [figure(("teamT", team)) for team in team_keys], figure(grand)),
            chart="none",
        )
    )
    report.tables.append(
        Table(
            id="needs_per_group",
            title="Aangegeven noden per doelgroep",
            row_header="Nood",
            columns=[labels.TARGET_GROUPS[group] for group in TARGET_GROUPS],
            rows=[
                Row(
                    support[need_id].label if need_id in support else need_id,
                    [figure(("group_need", group, need_id)) for group in TARGET_GROUPS],
                )
                for need_id in need_order
            ],
            total_row=Row("Aanmeldingen", [figure(("target_group", group)) for group in TARGET_GROUPS]),
            chart="none",
        )
    )
    funnel_rows_out = []
    if filters.team is None:
        for event in ("started", "consented"):
            funnel_rows_out.append(Row(labels.FUNNEL_STAGES[event], [figure(("conversation", event))]))
    funnel_rows_out.append(Row(labels.FUNNEL_STAGES["sent"], [figure(grand)]))
    for stage in STAGES_AFTER_SENT:
        funnel_rows_out.append(Row(labels.FUNNEL_STAGES[stage], [figure(("funnelT", stage))]))
    report.tables.append(
        Table(
            id="funnel",
            title="Trechter: van gesprek tot afgesloten",
            row_header="Stap",
            columns=["Aantal"],
            rows=funnel_rows_out,
            hint="Gestart en toestemming tellen gesprekken (de assistent telt ze, niet per team); de andere stappen "
            "tellen aanmeldingen, in de week dat ze verstuurd werden.",
        )
    )
    report.tables.append(
        Table(
            id="funnel_per_team",
            title="Trechter per team",
            row_header="Team",
            columns=[labels.FUNNEL_STAGES[stage] for stage in ("sent", *STAGES_AFTER_SENT)],
            rows=[
                Row(
                    teams[team],
                    [figure(("teamT", team))] + [figure(("funnel", stage, team)) for stage in STAGES_AFTER_SENT],
                )
                for team in team_keys
            ],
            total_row=Row("Totaal", [figure(grand)] + [figure(("funnelT", stage)) for stage in STAGES_AFTER_SENT]),
            chart="none",
        )
    )
    report.medians = [
        {
            "team": teams[team],
            "taken": _median(funnel, "taken_after", team, figure(("funnel", "taken", team))),
            "contacted": _median(funnel, "contact_after", team, figure(("funnel", "contacted", team))),
        }
        for team in team_keys
    ]
    if filters.team is None:
        language_names = [labels.LANGUAGE_NAMES[code] for code in stop_languages]
        report.tables.append(
            _stops_table(
                figure, questions, "stops_per_language", "taal", "stopL", stop_languages, language_names, STOPS_HINT
            )
        )
        channel_names = [labels.CHANNELS[channel] for channel in stop_channels]
        report.tables.append(
            _stops_table(figure, questions, "stops_per_channel", "kanaal", "stopC", stop_channels, channel_names)
        )
    return report


def _stops_table(
    figure: Callable[[Hashable], Figure],
    questions: list[str],
    table_id: str,
    by: str,
    prefix: str,
    keys: list[str],
    names: list[str],
    hint: str = "",
) -> Table:
    """A "where people stop" table: a row per question, a column per `keys` (language or channel) named `names`;
    its figures are (`prefix`, question, key), the row totals ("stopQ", question), the column totals
    (`prefix` + "T", key) and the whole ("stopG",)."""
    return Table(
        id=table_id,
        title=f"Waar mensen stoppen: vraag en {by}",
        row_header="Vraag",
        columns=names,
        rows=[
            Row(
                _question_label(question),
                [figure((prefix, question, key)) for key in keys],
                figure(("stopQ", question)),
            )
            for question in questions
        ],
        total_row=Row("Totaal", [figure((prefix + "T", key)) for key in keys], figure(("stopG",))),
        hint=hint,
        chart="none",
    )


def _sort_key(figure: Figure) -> tuple[int, int]:
    """Biggest shown figure first; suppressed ones after every shown one, so their order tells nothing."""
    return (0, -figure.value) if figure.shown and figure.value else (1, 0)


def _question_label(question: str) -> str:
    return labels.QUESTIONS.get(question) or labels.CONVERSATION_STEPS.get(question, question)


BUCKET_LABELS = (
    "binnen het uur",
    "1 tot 4 uur",
    "4 tot 8 uur",
    "8 tot 24 uur",
    "1 tot 2 dagen",
    "2 tot 3 dagen",
    "3 tot 5 dagen",
    "5 tot 7 dagen",
    "1 tot 2 weken",
    "2 weken tot 30 dagen",
    "meer dan 30 dagen",
)
assert len(BUCKET_LABELS) == len(BUCKET_EDGES_HOURS) + 1


def _median(funnel: dict[tuple[str, str, str], int], measure: str, team: str, count: Figure) -> str:
    """The bucket of the middle intake, when at least 5 intakes reached the stage and that count is shown."""
    if not count.shown or count.value < 5:
        return "–"
    histogram = [funnel[(measure, f"b{index:02d}", team)] for index in range(len(BUCKET_LABELS))]
    total = sum(histogram)
    if total == 0:
        return "–"
    running = 0
    for index, n in enumerate(histogram):
        running += n
        if running * 2 >= total:
            return BUCKET_LABELS[index]
    return BUCKET_LABELS[-1]
