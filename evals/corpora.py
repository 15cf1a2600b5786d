"""The dev corpora: one manifest (datasets/corpora.json) naming each corpus, its documents and its dataset.

Every corpus is evaluated on its own index and reported per half (tune / heldout), so a rule fitted to
one corpus or to the tune questions shows up as a gap rather than hiding in an average.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus import Document
from .dataset import ALL_SPLITS, DatasetError
from .metrics import ANSWERER
from .runner import Run

MANIFEST = Path(__file__).resolve().parent / "datasets" / "corpora.json"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # the name becomes a folder of the data directory


class ManifestError(DatasetError):
    """The corpora manifest cannot be read or names something that is not there."""


@dataclass(frozen=True)
class DevCorpus:
    name: str
    genre: str
    dataset: Path
    documents: Path | None  # None: the bundled corpus


def _entry(raw: Any, root: Path, where: str) -> DevCorpus:
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: must be an object with name, genre, dataset and documents")
    name, genre, dataset, documents = (raw.get(key) for key in ("name", "genre", "dataset", "documents"))
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ManifestError(f"{where}: name must be lower-case letters, digits and dashes, not {name!r}")
    if not isinstance(genre, str) or not isinstance(dataset, str):
        raise ManifestError(f"{where} ({name}): genre and dataset must be strings")
    if documents is not None and not isinstance(documents, str):
        raise ManifestError(f"{where} ({name}): documents must be a folder path or null for the bundled corpus")
    entry = DevCorpus(name, genre, root / dataset, None if documents is None else root / documents)
    if not entry.dataset.is_file():
        raise ManifestError(f"{where} ({name}): dataset {entry.dataset} does not exist")
    if entry.documents is not None and not entry.documents.is_dir():
        raise ManifestError(f"{where} ({name}): documents folder {entry.documents} does not exist")
    return entry


def load_manifest(path: Path = MANIFEST) -> list[DevCorpus]:
    """The corpora `path` lists, its paths taken relative to its own folder; ManifestError names the entry."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"cannot read corpora manifest {path}: {exc}") from exc
    entries = raw.get("corpora") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path}: needs a non-empty list under 'corpora'")
    corpora = [_entry(e, path.parent, f"{path}: corpora[{n}]") for n, e in enumerate(entries)]
    names = [c.name for c in corpora]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ManifestError(f"{path}: corpus names used twice: {', '.join(repeated)}")
    return corpora


def select(corpora: Sequence[DevCorpus], names: Sequence[str]) -> list[DevCorpus]:
    """The named corpora in manifest order, all of them when `names` is empty."""
    unknown = sorted(set(names) - {c.name for c in corpora})
    if unknown:
        raise ManifestError(
            f"no corpus named {', '.join(unknown)}; the manifest has {', '.join(c.name for c in corpora)}"
        )
    return [c for c in corpora if not names or c.name in names]


def unanswerable_cited(run: Run) -> dict[str, dict[str, int]]:
    """Per scope (all and each split): unanswerable items answered with citations, of all unanswerable items.

    Refusal F1 hides how often a wrong citation is shown for a question the corpus cannot answer; this
    counts exactly that, the costliest failure.
    """
    unanswerable = [s for s in run.scores if not s.item.answerable]
    scopes = {ALL_SPLITS: unanswerable}
    for split in sorted({s.item.split for s in unanswerable if s.item.split}):
        scopes[split] = [s for s in unanswerable if s.item.split == split]
    return {
        scope: {"cited": sum(1 for s in group if not s.refused and s.citations), "of": len(group)}
        for scope, group in scopes.items()
    }


def corpus_result(corpus: DevCorpus, documents: int, runs: Sequence[Run], result: dict[str, Any]) -> dict[str, Any]:
    """A run's report (evals.report.build_result) with which corpus it was and the cited-unanswerable counts."""
    result["meta"].update({"corpus": corpus.name, "genre": corpus.genre, "documents": documents})
    counts = {r.name: unanswerable_cited(r) for r in runs if r.kind == ANSWERER}
    for config in result["configs"]:
        if config["name"] in counts:
            config["unanswerable_cited"] = counts[config["name"]]
    return result


def index_mismatch(indexed: Mapping[str, Mapping[str, Any]], documents: Sequence[Document]) -> str | None:
    """Why an index (its manifest's documents) was not built from `documents`; None when it was.

    Evaluating a corpus against another corpus's index scores every answer as wrong, so say so first.
    """
    current = {d.id: d.sha256 for d in documents}
    missing = sorted(set(current) - set(indexed))
    extra = sorted(set(indexed) - set(current))
    changed = sorted(i for i in set(current) & set(indexed) if indexed[i].get("sha256") != current[i])
    if not (missing or extra or changed):
        return None
    parts = [
        f"{len(missing)} of the corpus's {len(current)} documents are not in it" if missing else "",
        f"{len(extra)} indexed documents are not in the corpus" if extra else "",
        f"{len(changed)} documents changed since it was built" if changed else "",
    ]
    return "; ".join(p for p in parts if p)


def summary_of(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The first configuration (the answerer) of each corpus's result, small enough to commit and compare later."""
    corpora = {}
    for result in results:
        config = result["configs"][0]
        corpora[result["meta"]["corpus"]] = {
            "name": config["name"],
            "kind": config["kind"],
            "summary": {"by_split": config["summary"]["by_split"]},
            "unanswerable_cited": config.get("unanswerable_cited", {}),
        }
    generated = results[0]["meta"]["generated"] if results else ""
    return {"generated": generated, "corpora": corpora}


def load_previous(path: Path) -> dict[str, dict[str, Any]]:
    """Per corpus, the answerer's figures of an earlier run (a file `summary_of` wrote), to show beside this one."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        corpora = raw["corpora"]
        generated = str(raw.get("generated", ""))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"cannot read the previous run's summary {path}: {exc}") from exc
    if not isinstance(corpora, dict):
        raise ManifestError(f"{path}: 'corpora' must map corpus names to their figures")
    return {name: {**config, "name": "previous", "generated": generated} for name, config in corpora.items()}
