"""Schemathesis hooks for tests/integration/schemathesis.test.ts.

A well-behaved client sends one Idempotency-Key per request (IETF draft, and what the web UI does).
Schemathesis draws header values from a small space ("0", "00", ...) and would send the same key
with other bodies, which the API rightly answers 422 idempotency_key_reused before validating
anything: every later case of the run would then test the idempotency store, not the operation.
A key the document calls valid (1 to 200 characters) is therefore made unique, and stays valid;
an invalid one (empty, too long) is sent as generated, so the header's own limits are still tested.
The reuse rules themselves are tested request by request in tests/integration/idempotency.test.ts.
"""

import uuid

import schemathesis

KEY = "idempotency-key"
MAX_LENGTH = 200
SUFFIX_LENGTH = 33  # "-" and 32 hex digits


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() != KEY or not isinstance(value, str):
            continue
        if 1 <= len(value) <= MAX_LENGTH:
            headers[name] = value[: MAX_LENGTH - SUFFIX_LENGTH] + "-" + uuid.uuid4().hex
