"""ISO weeks in Ghent's time: a week is stored as its Monday; a week belongs to the month of its Thursday."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _ghent_day(moment: datetime) -> date:
    try:
        return moment.astimezone(ZoneInfo("Europe/Brussels")).date()
    except ZoneInfoNotFoundError:  # a machine without time zone data: UTC, off by at most an hour at midnight
        return moment.date()


def week_of_day(day: date) -> date:
    """The Monday of the ISO week `day` is in."""
    return day - timedelta(days=day.weekday())


def week_of(moment: datetime) -> date:
    """The Monday of the ISO week of `moment` in Ghent."""
    return week_of_day(_ghent_day(moment))


def month_of(week: date) -> str:
    """`2026-12`: the month of the week's Thursday (so each ISO week lies in exactly one month)."""
    thursday = week + timedelta(days=3)
    return f"{thursday.year}-{thursday.month:02d}"


def week_label(week: date) -> str:
    """`2026-W49`."""
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"
