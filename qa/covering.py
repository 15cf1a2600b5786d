"""One sentence for each thing a question asks: each part, each compared alternative, each named value.

The best sentences for the question read whole may all stand on one of its parts ("What was X, and what
did Y?"), one alternative ("Which needs the bigger majority: A, or B?") or one release ("changed in 3.4
and again in 3.6"); an answer stands on all of them.
"""

from __future__ import annotations

from ..corpus.text import versions_in, years_in
from .assess import Assessor
from .evidence import Question, Scored, holds_answer, score_sentences
from .models import Passage
from .plan import QueryPlan


class Covering:
    def __init__(self, assess: Assessor) -> None:
        self._assess = assess

    def per_part(self, plan: QueryPlan, whole: Question, passages: list[Passage], chosen: list[Scored]) -> list[Scored]:
        """For a question that asks two things, the best sentence for each part not yet chosen."""
        weights = self._assess.thresholds.sentences
        rankings = []
        for part in plan.parts:
            parsed = Question.parse(part, self._assess.vocab)
            rankings.append(
                score_sentences(
                    self._assess.index, passages, plan.vector(part), parsed, self._assess.vocab, weights=weights
                )
            )
        if plan.compares:
            return self._per_alternative(whole, rankings, chosen)
        taken = {_key(c) for c in chosen}
        extra = []
        for ranked in rankings:
            if ranked and _key(ranked[0]) not in taken:
                taken.add(_key(ranked[0]))
                extra.append(ranked[0])
        return extra

    def _per_alternative(self, whole: Question, rankings: list[list[Scored]], chosen: list[Scored]) -> list[Scored]:
        """For a comparison, a sentence about each alternative that no chosen sentence is about yet.

        Both alternatives share the stem's words ("which needs the bigger majority"), so a sentence is about
        the alternative it scores higher for; compared by a figure ("which range is larger, and by how
        many?"), each is answered by a sentence giving one."""
        by_part = _leads(rankings)
        extra: list[Scored] = []
        for ranked, lead in zip(rankings, by_part, strict=True):
            if any(lead.get(_key(c), 0.0) > 0 for c in chosen + extra):
                continue
            about = sorted((s for s in ranked if lead[_key(s)] > 0), key=lambda s: -lead[_key(s)])
            best = next(
                (s for s in about if holds_answer(whole, self._assess.text(s), s.passage, self._assess.vocab)), None
            )
            if best is not None:
                extra.append(best)
        return extra

    def per_value(
        self, parsed: Question, scored: list[Scored], considered: list[Scored], chosen: list[Scored]
    ) -> list[Scored]:
        """For a question naming two versions or years ("How long after gzip 1.11 did 1.12 come out?"), the
        best sentence naming each one that no chosen sentence names yet: the answer stands on both. The
        sentence naming a value may hold a fact the answer is worked out from rather than the asked-for kind
        ("Version 1.9 ratified on March 26th, 2022" for how long 1.8 lasted), so all sentences are looked
        at when none of the kind names it. A line of release notes names its version by the release heading
        it stands under, which the reader sees beside the quote in its source."""
        extra: list[Scored] = []
        for values, found_in in ((parsed.versions, self._versions_of), (parsed.years, self._years_of)):
            if len(set(values)) < 2:
                continue
            for value in dict.fromkeys(values):
                if any(value in found_in(c) for c in chosen + extra):
                    continue
                # What the release did before the release's own heading ("# Changes in release 3.4"), and
                # sentences of the asked kind before the rest.
                naming = [
                    s
                    for pool in (scored, considered)
                    for heading in (False, True)
                    for s in pool
                    if value in found_in(s) and self._assess.releases.is_release(s) == heading
                ]
                best = naming[0] if naming else None
                if best is not None:
                    extra.append(best)
        return extra

    def _versions_of(self, item: Scored) -> tuple[str, ...]:
        # A line of release notes is of its release, whichever others it mentions ("reversing some of the
        # changes made in 3.4" is a 3.6 change).
        release = self._assess.releases.of(item.passage.paragraph_id)
        return (versions_in(release.text) if release is not None else ()) or versions_in(self._assess.text(item))

    def _years_of(self, item: Scored) -> tuple[str, ...]:
        return tuple(years_in(self._assess.text(item)))


def _key(item: Scored) -> tuple[str, int]:
    return item.passage.paragraph_id, item.span.start


def _leads(rankings: list[list[Scored]]) -> list[dict[tuple[str, int], float]]:
    """For each part, how much more each sentence scores for it than for the best of the other parts."""
    scores = [{_key(s): s.score for s in ranked} for ranked in rankings]
    return [
        {
            key: score - max(other.get(key, score) for j, other in enumerate(scores) if j != i)
            for key, score in own.items()
        }
        for i, own in enumerate(scores)
    ]
