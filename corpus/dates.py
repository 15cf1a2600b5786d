"""Dates written in text or metadata, read as YYYY[-MM[-DD]] (as precise as the source is)."""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[6-9]\d\d|2[01]\d\d)"
_PATTERNS = (
    # 2021-03-04, 2021/03/04, 2021-03-04T09:00:00Z
    re.compile(r"(?<!\d)(?P<year>1[6-9]\d\d|2[01]\d\d)([-/])(?P<mnum>\d{2})\2(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"(?!\d)", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"(?!\d)", re.I),
    re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR + r"(?!\d)", re.I),
    re.compile(r"(?<!\d)(?P<year>1[6-9]\d\d|2[01]\d\d)-(?P<mnum>\d{2})(?![\d-])"),
)


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS.get((groups.get("month") or "").lower(), 0)
    day = int(groups["day"]) if groups.get("day") else 0
    if not 1 <= month <= 12 or day > 31:
        return None
    return f"{groups['year']}-{month:02d}" + (f"-{day:02d}" if day else "")


def find_date(text: str) -> str:
    """The earliest-written full or month date in `text`, as YYYY-MM[-DD]; '' when there is none."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            iso = _iso(match)
            if iso:
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else ""


def normalise_date(value: str) -> str:
    """A metadata value (ISO string, PDF date, 'June 12, 2019', a bare year) as YYYY[-MM[-DD]], else ''."""
    value = value.strip()
    if re.fullmatch(r"1[6-9]\d\d|2[01]\d\d", value):
        return value
    return find_date(value)
