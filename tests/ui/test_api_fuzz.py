"""Schema fuzzing with schemathesis: cases generated from the OpenAPI document never get a 5xx."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.conftest import LiveServer

EXAMPLES_PER_OPERATION = 25


def test_generated_requests_never_get_a_server_error(live_server: LiveServer, artifacts: Path) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json").include(path_regex=r"^/(v1/|healthz$)")
    tried: Counter[str] = Counter()
    failures: list[str] = []
    session = requests.Session()
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) >= 8, [op.label for op in operations]
    for operation in operations:
        # Only a body leaves room for invalid requests: a string path parameter accepts any string.
        modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if len(operation.body) else [GenerationMode.POSITIVE]
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                response = case.call(base_url=live_server.url, session=session, timeout=60)
                tried[case.operation.label] += 1
                if response.status_code >= 500:
                    failures.append(f"{case.as_curl_command()} -> {response.status_code} {response.text[:200]}")

            call()
    print(f"\nschemathesis tried {sum(tried.values())} cases over {len(tried)} operations: {dict(tried)}")
    record = {"cases": sum(tried.values()), "per_operation": dict(tried), "server_errors": len(failures)}
    (artifacts / "api-fuzz.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    assert not failures, "\n".join(failures[:10])
    assert sum(tried.values()) >= len(operations) * 10
