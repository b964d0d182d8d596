"""Alert rules and their delivery: the rules pass promtool (and its unit tests), Alertmanager's
config renders from the environment and passes amtool, routes reach the right receivers, and
every alert has a runbook section. The Debian packages prometheus and prometheus-alertmanager
bring promtool and amtool (.ci/run installs them)."""
from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

RULES = ROOT / "docker" / "prometheus" / "alerts.yml"
ALERTMANAGER = ROOT / "docker" / "alertmanager"
ENV = {"ALERT_EMAIL_TO": "ops@example.com", "ALERT_EMAIL_FROM": "boomer@example.com", "ALERT_SMTP_HOST": "smtp.example.com:587",
       "ALERT_SMTP_USER": "boomer", "ALERT_SMTP_PASSWORD": "smtp-secret", "ALERT_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X",
       "ALERT_SLACK_CHANNEL": "#boomer-ops", "ALERT_PAGERDUTY_ROUTING_KEY": "pd-routing-key-123"}


def run(*args, env=None):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    rendered = run(str(ALERTMANAGER / "render.sh"), env=ENV)
    assert rendered.returncode == 0, rendered.stderr
    path = tmp_path_factory.mktemp("alertmanager") / "alertmanager.yml"
    path.write_text(rendered.stdout)
    return path


def test_rules_pass_promtool_and_their_unit_tests():
    checked = run("promtool", "check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run("promtool", "test", "rules", str(ROOT / "tests" / "boomer_site" / "alert_rules_test.yml"))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_rendered_alertmanager_config_is_valid_and_holds_the_secrets_given(config):
    checked = run("amtool", "check-config", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = config.read_text()
    assert "pd-routing-key-123" in text and not re.search(r"\$\{[A-Z_]+\}", text)


@pytest.mark.parametrize("severity, receivers", [("critical", "pager,slack"), ("warning", "slack,email"), ("info", "email")])
def test_routes_by_severity(config, severity, receivers):
    routed = run("amtool", "config", "routes", "test", f"--config.file={config}", f"severity={severity}")
    assert routed.stdout.strip().splitlines()[-1] == receivers, routed.stdout + routed.stderr


def test_an_unset_variable_refuses_to_render():
    rendered = run(str(ALERTMANAGER / "render.sh"), env={**ENV, "ALERT_PAGERDUTY_ROUTING_KEY": ""})
    assert rendered.returncode != 0 and "ALERT_PAGERDUTY_ROUTING_KEY is not set" in rendered.stderr


def test_every_alert_has_a_runbook_section():
    alerts = [rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]
    runbook = (ROOT / "docs" / "RUNBOOK.md").read_text()
    sections = set(re.findall(r"^## (\S+)$", runbook, re.M))
    assert {name.lower() for name in alerts} <= sections
    assert {"BoomerListingsStuckPublishing", "BoomerQueueGrowing", "BoomerDeadLettersGrowing",
            "BoomerCircuitBreakerOpen", "BoomerLowCacheHitRate", "BoomerAvailabilityBelow99"} <= set(alerts)
