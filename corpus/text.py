"""Words and languages of a text: the one tokenizer every floor above shares (BM25, evidence, follow-ups)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w’']+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# General English function words and the verbs people wrap a question in ("what did the text say about").
# Nothing here may name a corpus's people, places or subjects: what is common in one corpus is learned
# from its statistics, not listed.
STOPWORDS = frozenset(
    (
        "a about above after again against all am an and any are as at be because been before being below "
        "between both but by can could did do does doing down during each few for from further had has have "
        "having he her here hers him his how i if in into is it its itself just me more most my no nor not "
        "now of off on once only or other our ours out over own same she should so some such than that the "
        "their theirs them then there these they this those through to too under until up very was we were "
        "what when where which while who whom why will with would you your yours also said says say tell told "
        "what's mention mentioned according discuss discussed talk talked describe described think want get "
        # Contractions as typed in chat, apostrophe or none: "whats" would stem to "what", a word no text
        # is indexed by, and outweigh every real word of the question.
        "whats hows wheres whos whens whys i'm im i've i'd i'll you're you've they're we're"
    ).split()
)


def stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    # "release", "released" and "releases" meet at "releas": a silent final e is not part of the stem.
    return word[:-1] if word.endswith("e") and len(word) >= 5 and not word.endswith("ee") else word


# A version or section number ("1.12", "4.2.2", "v1.9") is one identifier: split at its dots, "1.12" would
# also match "1.3.12" and every other number holding a 1 and a 12.
_DOTTED = re.compile(r"(?:(?<![\w.])|(?<=\bv))\d+(?:\.\d+)+(?![\w]|\.\d)")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words; Chinese runs become character bigrams."""
    tokens: list[str] = []
    for raw in _WORD.findall(text.lower().replace("\u00a0", " ")):
        word = raw.replace("’", "'").removesuffix("'s").strip("'")
        if _CJK_RUN.fullmatch(word):
            tokens.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word and word not in STOPWORDS:
            tokens.append(stem(word))
    tokens.extend(_DOTTED.findall(text))
    return tokens


def language_of(text: str, default: str = "en") -> str:
    letters = sum(1 for ch in text if ch.isalpha())
    if letters and len(_CJK.findall(text)) / letters > 0.3:
        return "zh"
    return default


# Where something is in a system: an absolute or home path ("/var/lib/dpkg/", "~/.config"), a relative one
# of two or more parts ("src/fuzz/"), one under a placeholder ("<admindir>/lock-frontend"), an e-mail
# address or a URL. One slash between words ("and/or", "499/500") is not a place.
LOCATOR = re.compile(
    r"https?://[^\s>)\]»]+"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w/])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]*)*"
    r"|(?<![\w/])[\w.-]+/[\w.-]+/[\w./-]*"
    r"|[«<$][^\s»>/]*[»>]?/[\w.-]+"
)


def years_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(YEAR.findall(text)))


def versions_in(text: str) -> tuple[str, ...]:
    """Dotted version or section numbers ("1.12", "4.2.2"), each once, in order."""
    return tuple(dict.fromkeys(_DOTTED.findall(text)))


# Marks a quote may already open or close with; adding our own beside them doubles them (“"The…).
# Single marks are left out: a closing ’ is as often an apostrophe (“the countries’”).
_OPENING = frozenset('"“«「『„')
_CLOSING = frozenset('"”»」』')
_CURLY_PAIRS = (("“", "”"), ("«", "»"), ("「", "」"), ("『", "』"))


def _surplus(text: str) -> int:
    """Marks the text opens but does not close (negative: closes but did not open); a straight mark is
    counted as opening when the text starts with it."""
    surplus = sum(text.count(a) - text.count(b) for a, b in _CURLY_PAIRS)
    if text.count('"') % 2:
        surplus += 1 if text.startswith('"') else -1
    return surplus


def quoted(text: str) -> str:
    """`text` in curly quotation marks, leaving out a mark where the text's own stands in for it: its
    first mark when the quote began there and runs on past the end, its last when the quote ends there.
    A mark closed inside the text (a title opening with “"Social Contract" with…”) is not ours to drop."""
    surplus = _surplus(text)
    if text[:1] in _OPENING and text[-1:] in _CLOSING and surplus == 0 and len(text) > 1:
        return text  # already one quotation from end to end
    opening = "" if text[:1] in _OPENING and surplus > 0 else "“"
    closing = "" if text[-1:] in _CLOSING and surplus < 0 else "”"
    return f"{opening}{text}{closing}"
