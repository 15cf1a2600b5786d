"""Metadata for a file without a catalog entry: each value with the place it came from.

Title: the format's own field (PDF info, og:title/<title>, front matter, first `#` heading), else the
first heading-like line near the top that is not a version, notice or disclaimer line, else the file
name. Date: the format's metadata, else the first date written in the header area (marked inferred),
else a date in the file name (inferred). Kind and language are detected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from .dates import find_date
from .formats import Extracted

HEADER_LINES = 15
# Lines that open many documents but never name them.
_NOT_A_TITLE = re.compile(
    r"^(v(ersion)?\s*\d|rev(ision)?\b|draft\b|release\b|last (updated|revised|modified)|updated\b|revised\b|"
    r"ratified\b|amended\b|adopted\b|effective\b|published\b|copyright\b|©|\(c\)|all rights|please (note|read)|"
    r"note\b|notice\b|disclaimer|important\b|warning\b|caution\b|confidential|for internal|internal use|"
    r"this (document|page|text|file|version|copy|translation)\b|the (following|views|information)\b|"
    r"(table of )?contents$|page \d|https?://|www\.|\S+@\S+|(author|date|source|by|editor|status)\s*:)",
    re.IGNORECASE,
)
_VERSION_ANYWHERE = re.compile(
    r"\b(version|v)\s*\d+(\.\d+)+\b|\bdisclaimer\b|\bnot (be )?(legal|financial) advice", re.I
)
# A version in brackets after a name ("Constitution for the Debian Project (v1.9)") still names it.
_VERSION_SUFFIX = re.compile(r"\s*\((version|v)\s*\d+(\.\d+)*\)$", re.I)
_RULE = re.compile(r"[-=*_~#]{3,}")
_SENTENCE_END = tuple(".;:,")
_MODE_LINE = re.compile(r"-\*-.*?-\*-")
_URL = re.compile(r"\S+://\S+|www\.\S+")
_PLACEHOLDER_TITLE = re.compile(r"^(untitled|document\d*|microsoft word\b.*|.*\.(docx?|pdf|txt|html?|md))$", re.I)
_KINDS = (
    ("speech", r"\b(speech|address|remarks|keynote|lecture)\b"),
    ("minutes", r"\bminutes\b"),
    ("report", r"\breport\b"),
    ("manifesto", r"\bmanifesto\b"),
    ("agreement", r"\b(contract|agreement|charter|constitution|treaty|covenant|terms of service)\b"),
    ("policy", r"\b(policy|regulation|guidelines?|law|act)\b"),
    ("news", r"\b(press release|news|announces?)\b"),
    ("paper", r"\b(abstract|paper|study|whitepaper)\b"),
)
_LETTER = re.compile(r"(dear|to whom it may concern)\b", re.IGNORECASE)
_FORMAT_KIND = {"html": "web page"}
_STOPWORDS = {
    "en": "the and of to in is that for it with as was on are be this by not",
    "de": "der die und das ist nicht ein eine zu den von mit sich auf für",
    "fr": "le la les et des est une dans pour que qui pas sur du au",
    "es": "el la los las y de que en un una es por para con del se",
    "it": "il la che di e un una per non sono del della con gli le",
    "pt": "o a os as e de que em um uma para com não do da se",
    "nl": "de het een en van is dat op te in niet zijn met voor",
}
_SCRIPTS = (
    ("zh", r"[\u3400-\u9fff\uf900-\ufaff]"),
    ("ja", r"[\u3040-\u30ff]"),
    ("ko", r"[\uac00-\ud7af]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("he", r"[\u0590-\u05ff]"),
)


@dataclass
class Derived:
    """Metadata values and, for each, where it came from (shown by `citeqa docs`)."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    date_inferred: tuple[str, ...] = ()

    def set(self, name: str, value: str, source: str) -> None:
        self.values[name], self.sources[name] = value, source


def _header(text: str) -> list[tuple[int, str]]:
    lines = [(n, line.strip()) for n, line in enumerate(text[:4000].splitlines(), start=1) if line.strip()]
    return lines[:HEADER_LINES]


def _standalone(text: str) -> set[int]:
    """Numbers of the header lines that stand on their own: a line of a hard-wrapped paragraph ("Debian,
    the producers of the Debian system, have") reads like a heading but is half a sentence."""
    raw = text[:4000].splitlines()

    def blank(n: int) -> bool:
        return not 0 <= n < len(raw) or not raw[n].strip() or _RULE.fullmatch(raw[n].strip()) is not None

    return {n + 1 for n in range(len(raw)) if raw[n].strip() and blank(n - 1) and blank(n + 1)}


def is_notice(line: str) -> bool:
    """A version, notice or disclaimer line: never a title."""
    bare = line.lstrip("#*_> ").strip()
    return bool(_NOT_A_TITLE.match(bare) or _VERSION_ANYWHERE.search(bare) or find_date(bare) == bare)


def _heading_like(line: str) -> bool:
    bare = _VERSION_SUFFIX.sub("", line.lstrip("#").strip().strip("*_").strip())
    words = len(bare.split())
    return (
        3 <= len(bare) <= 160
        and 1 <= words <= 20
        and not bare.endswith(_SENTENCE_END)
        and any(ch.isalpha() for ch in bare)
        and not is_notice(bare)
        and find_date(bare) != bare
    )


def _clean(line: str) -> str:
    """A title as read: no Markdown marks, no Emacs mode line (-*- outline -*-), single spaces."""
    bare = _MODE_LINE.sub(" ", line.lstrip("#").strip().strip("*_"))
    return " ".join(bare.split())


def _title(extracted: Extracted, name: PurePath, derived: Derived) -> None:
    own = extracted.fields.get("title", "")
    if own and not _PLACEHOLDER_TITLE.match(own) and not is_notice(own):
        derived.set("title", own[:200], extracted.field_sources.get("title", "file metadata"))
        return
    standalone = _standalone(extracted.text)
    for number, line in _header(extracted.text):
        # A Markdown heading stands for itself; any other line must stand apart from its neighbours.
        if (number in standalone or line.startswith("#")) and _heading_like(_clean(line)):
            derived.set("title", _clean(line)[:200], f"first heading-like line (line {number})")
            return
    derived.set("title", re.sub(r"[_-]+", " ", name.stem).strip() or name.name, "file name")


def _date(extracted: Extracted, name: PurePath, derived: Derived) -> None:
    own = extracted.fields.get("date", "")
    if own:
        derived.set("date", own, extracted.field_sources.get("date", "file metadata"))
        return
    for number, line in _header(extracted.text):
        found = find_date(_URL.sub(" ", line))  # a link's path is not the document's date
        if found:
            derived.set("date", found, f"header line {number} (inferred)")
            derived.date_inferred = ("all",)
            return
    match = re.search(r"(?<!\d)(\d{4})(?:[-_](\d{2}))?(?:[-_](\d{2}))?(?!\d)", name.stem)
    if match and 1600 <= int(match.group(1)) <= 2199:
        derived.set("date", "-".join(part for part in match.groups() if part), "file name (inferred)")
        derived.date_inferred = ("all",)
    else:
        derived.set("date", "", "none found")


def detect_kind(title: str, text: str, file_format: str) -> tuple[str, str]:
    """A document kind from a word in its title (or a letter's salutation), else from its format.

    Only the title: a body that mentions "policy" or "report" is rarely one.
    """
    for kind, pattern in _KINDS:
        hit = re.search(pattern, title, re.IGNORECASE)
        if hit:
            return kind, f"detected: '{hit.group(0)}' in the title"
    if _LETTER.match(text.lstrip()):
        return "letter", "detected: a salutation opens it"
    return _FORMAT_KIND.get(file_format, "document"), f"default for {file_format}"


def detect_language(text: str) -> tuple[str, str]:
    """A language code from the script of the letters, and for Latin script from common short words."""
    sample = text[:20000]
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    for code, pattern in _SCRIPTS:
        if len(re.findall(pattern, sample)) / letters > 0.3:
            return code, "detected from the script"
    words = re.findall(r"[^\W\d_]+", sample.lower())
    scores = {code: sum(1 for w in words if w in set(stop.split())) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    if scores[best] == 0:
        return "en", "default (too little text to tell)"
    return best, "detected from common words"


def derive(extracted: Extracted, name: PurePath) -> Derived:
    derived = Derived()
    _title(extracted, name, derived)
    _date(extracted, name, derived)
    kind = extracted.fields.get("kind")
    if kind:
        derived.set("kind", kind, extracted.field_sources.get("kind", "file metadata"))
    else:
        derived.set("kind", *detect_kind(derived.values["title"], extracted.text, extracted.format))
    language = extracted.fields.get("language")
    if language:
        derived.set("language", language, extracted.field_sources.get("language", "file metadata"))
    else:
        derived.set("language", *detect_language(extracted.text))
    description = extracted.fields.get("description")
    if description:
        derived.set("description", description, extracted.field_sources.get("description", "file metadata"))
    else:
        derived.set("description", f"{name.name} ({extracted.format}, read by {extracted.extractor})", "generated")
    return derived
