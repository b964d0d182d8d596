"""schemathesis against /api/schema/: every operation, authenticated, stateless; zero server
errors and every response (status, content type, body, headers) as the schema says."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from products.models import Stage
from tests.factories import listing_make, product_make

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(live_server, api, people, monkeypatch, tmp_path):
    # Hundreds of requests from one user: lift the 100/min limit for this run only.
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "100000/min")
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "100000/min")
    seller = people["seller_a"]
    for stage in (Stage.PENDING, Stage.FAILED, Stage.PUBLISHED, Stage.PENDING):
        product_make(owner=seller, stage=stage, with_photo=True)
    listing_make(product=product_make(owner=seller, stage=Stage.PUBLISHED))
    client = api()
    token = client.login("reviewer")["access"]

    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "run", f"{live_server.url}/api/schema/", "--header", f"Authorization: Bearer {token}",
         "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--max-examples", "25", "--workers", "1",
         "--seed", "1", "--request-timeout", "20", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, env={**os.environ, "NO_COLOR": "1"},
    )
    report = Path(__file__).resolve().parents[2] / "var" / "test-logs" / "schemathesis.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(run.stdout + run.stderr)
    assert run.returncode == 0, f"see {report}\n" + run.stdout[-4000:]
    assert "operations" in run.stdout.lower() or "passed" in run.stdout.lower()
