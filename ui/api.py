"""HTTP API routes under /v1 and /healthz (contract: ../shared/docs/contract.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from qa import Answer, Answerer, Turn

router = APIRouter()


def get_answerer(request: Request) -> Answerer:
    return request.app.state.answerer  # type: ignore[no-any-return]


AnswererDep = Annotated[Answerer, Depends(get_answerer)]


class AskRequest(BaseModel):
    question: str
    history: list[Turn] = Field(default_factory=list)
    top_k: int = Field(5, ge=1, le=50)


@router.get("/healthz")
def healthz(answerer: AnswererDep) -> dict[str, Any]:
    index = answerer.index
    return {
        "status": "ok",
        "index_loaded": True,
        "documents": len(index.documents),
        "paragraphs": len(index.body_ids),
        "build": index.build.name,
        "embedder": index.manifest.get("embedder"),
    }


@router.post("/v1/ask", response_model=Answer)
def ask(body: AskRequest, answerer: AnswererDep) -> Answer:
    return answerer.ask(body.question, body.history, top_k=body.top_k)
