"""Schema fuzzing with schemathesis and all of its checks: the server does what its OpenAPI document says.

Every check runs on every case: no 5xx, status codes, content types and bodies as documented, valid
requests accepted, invalid ones refused, undeclared methods 405 with Allow. A short bounded run; the
long one is `schemathesis run --checks all` by hand (README, "Security").
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok

from tests.conftest import LiveServer

EXAMPLES_PER_OPERATION = 25


def test_generated_requests_pass_every_schemathesis_check(live_server: LiveServer, artifacts: Path) -> None:
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
                tried[case.operation.label] += 1
                try:
                    case.call_and_validate(base_url=live_server.url, session=session, timeout=60)
                except (Failure, FailureGroup) as failure:
                    failures.append(f"{case.as_curl_command()}\n{failure}")

            call()
    print(f"\nschemathesis tried {sum(tried.values())} cases over {len(tried)} operations: {dict(tried)}")
    record = {"cases": sum(tried.values()), "per_operation": dict(tried), "failures": len(failures)}
    (artifacts / "api-fuzz.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    assert not failures, "\n\n".join(failures[:5])
    assert sum(tried.values()) >= len(operations) * 10
