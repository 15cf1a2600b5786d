"""The in-process model (CITEQA_LLM_MODEL_PATH): llama.cpp via xllamacpp in this process, SmolLM2-135M from PyPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeqa import wiring
from citeqa.evals.verify import text_problems
from citeqa.qa import Answerer, LLMError, Retriever
from citeqa.qa.llm import LLMGenerator
from citeqa.qa.llm_local import LocalChat
from citeqa.qa.quotes import is_verbatim
from citeqa.settings import Settings
from tests.llm_server import model_path
from tests.qa.memory_index import MemoryIndex, document

HARBOUR = (
    "The harbour festival began as a fishermen's market in 1921.\n\n"
    "The festival is held every summer in Valmora, at the old quay. "
    "Boats are decorated with lanterns for the opening night."
)


def test_settings_with_a_model_path_run_the_model_in_process_and_answer_with_verbatim_quotes() -> None:
    index = MemoryIndex([document("harbour", HARBOUR, "Harbour festival", "2021-06-01")])
    settings = Settings(llm_model_path=model_path(), llm_constrained=True, llm_timeout=300, _env_file=None)  # type: ignore[call-arg]
    llm = wiring.llm_for(settings, index)  # type: ignore[arg-type]
    assert isinstance(llm, LLMGenerator) and isinstance(llm.chat, LocalChat)
    answer = Answerer(Retriever(index), llm=llm).ask("Where is the harbour festival held?")
    assert answer.llm is not None and answer.llm.error is None and answer.llm.proposed >= 1
    assert "quote_not_found" not in answer.llm.dropped
    assert answer.citations and all(is_verbatim(c, index.documents) for c in answer.citations)
    assert text_problems(answer.model_dump(mode="json")) == []


def test_a_missing_model_file_is_a_plain_llm_error(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="no model file"):
        LocalChat(tmp_path / "absent.gguf", threads=1)
