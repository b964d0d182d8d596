"""The shipped deployment files carry no usable secret (issue 13 items 1 and 10): compose stops
until each secret is set, MinIO and Redis want passwords, the app has its own bucket-scoped S3
key, Flower and /metrics want credentials, and kustomize applies no example Secret."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from boomer_site.settings.production_checks import encryption_key_problem, secret_key_problem
from tests.conftest import ROOT

DOCKER = ROOT / "docker"
COMPOSE_TEXT = (DOCKER / "compose.yaml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY\b|TOKEN|BASIC_AUTH|ROOT_USER")
APP_SECRETS = ("DJANGO_SECRET_KEY", "BOOMER_SECRET_KEY_ENCRYPTION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
               "BOOMER_METRICS_TOKEN")


def required(value: str) -> bool:
    """`${VAR:?…}`: compose refuses to start while VAR is unset or empty."""
    return bool(re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]*\}", value))


def test_compose_has_no_default_for_any_secret():
    defaults = re.findall(r"\$\{([A-Z0-9_]+):?-([^}]*)\}", COMPOSE_TEXT)
    offenders = [(name, default) for name, default in defaults if SECRET_NAME.search(name) and default]
    assert offenders == []
    env = COMPOSE["x-boomer-env"]
    for name in APP_SECRETS:
        assert required(env[name]), f"{name}: {env[name]}"
    assert re.search(r":\$\{POSTGRES_PASSWORD:\?[^}]*\}@", env["DATABASE_URL"])
    assert re.search(r"redis://:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:", env["REDIS_URL"])
    assert required(COMPOSE["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"])
    assert required(COMPOSE["services"]["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"])


def test_compose_redis_wants_its_password():
    redis = COMPOSE["services"]["redis"]
    assert "--requirepass" in " ".join(redis["command"])
    assert required(redis["environment"]["REDIS_PASSWORD"]) and redis["environment"]["REDISCLI_AUTH"]


def test_minio_has_no_default_keys_listens_on_localhost_and_the_app_has_its_own_key():
    services = COMPOSE["services"]
    minio, init = services["minio"], services["minio-init"]
    assert required(minio["environment"]["MINIO_ROOT_USER"]) and required(minio["environment"]["MINIO_ROOT_PASSWORD"])
    assert minio["ports"] and all(str(port).startswith("127.0.0.1:") for port in minio["ports"])
    env = COMPOSE["x-boomer-env"]
    assert "MINIO_ROOT" not in env["AWS_ACCESS_KEY_ID"] and "MINIO_ROOT" not in env["AWS_SECRET_ACCESS_KEY"]
    # minio-init makes that key a user whose policy names only BOOMER's bucket.
    script = " ".join(init["command"])
    assert "mc admin user add local \"$$APP_ACCESS_KEY\" \"$$APP_SECRET_KEY\"" in script
    assert "mc admin policy attach local boomer-app --user \"$$APP_ACCESS_KEY\"" in script
    assert "arn:aws:s3:::%s" in script and "arn:aws:s3:::*" not in script
    assert init["environment"]["APP_ACCESS_KEY"] == env["AWS_ACCESS_KEY_ID"]
    assert init["environment"]["APP_SECRET_KEY"] == env["AWS_SECRET_ACCESS_KEY"]


def test_flower_and_metrics_want_credentials_in_compose():
    services = COMPOSE["services"]
    assert required(services["flower"]["environment"]["FLOWER_BASIC_AUTH"])
    assert all(str(port).startswith("127.0.0.1:") for port in services["flower"]["ports"])
    assert "metrics_token" in services["prometheus"]["secrets"]
    assert COMPOSE["secrets"]["metrics_token"] == {"environment": "BOOMER_METRICS_TOKEN"}
    scrape = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())["scrape_configs"]
    web = next(job for job in scrape if job["job_name"] == "boomer-web")
    assert web["authorization"] == {"type": "Bearer", "credentials_file": "/run/secrets/metrics_token"}


def test_kubernetes_applies_no_example_secret():
    kustomization = yaml.safe_load((DOCKER / "k8s" / "kustomization.yaml").read_text())
    applied = [yaml.safe_load_all((DOCKER / "k8s" / name).read_text()) for name in kustomization["resources"]]
    kinds = [document["kind"] for documents in applied for document in documents if document]
    assert "Secret" not in kinds and "secret.example.yaml" not in kustomization["resources"]
    # The example documents every key, and each of its values is refused by production.
    example = yaml.safe_load((DOCKER / "k8s" / "secret.example.yaml").read_text())["stringData"]
    assert secret_key_problem(example["DJANGO_SECRET_KEY"]) and encryption_key_problem(example["BOOMER_SECRET_KEY_ENCRYPTION"])
    assert {"REDIS_PASSWORD", "BOOMER_METRICS_TOKEN", "FLOWER_BASIC_AUTH"} <= set(example)
    assert re.match(r"redis://:[^@]+@", example["REDIS_URL"])


def test_kubernetes_flower_and_keda_need_their_credentials():
    flower = next(yaml.safe_load_all((DOCKER / "k8s" / "flower.yaml").read_text()))
    command = " ".join(flower["spec"]["template"]["spec"]["containers"][0]["command"])
    assert 'test -n "$FLOWER_BASIC_AUTH" ||' in command and "exit 1" in command
    triggers = [trigger for document in yaml.safe_load_all((DOCKER / "k8s" / "keda-scaledobjects.yaml").read_text())
                if document for trigger in document["spec"]["triggers"] if trigger["type"] == "redis"]
    assert triggers and all(trigger["metadata"].get("passwordFromEnv") == "REDIS_PASSWORD" for trigger in triggers)
    redis = list(yaml.safe_load_all((DOCKER / "k8s" / "data" / "redis.yaml").read_text()))[1]
    assert "--requirepass" in redis["spec"]["template"]["spec"]["containers"][0]["args"]


def gunicorn_forwarded_allow_ips(**env) -> str:
    code = ("import runpy, sys; print(runpy.run_path(sys.argv[1])['forwarded_allow_ips'])")
    environ = {key: value for key, value in os.environ.items() if key != "BOOMER_TRUSTED_PROXIES"}
    run = subprocess.run([sys.executable, "-c", code, str(DOCKER / "gunicorn.conf.py")], cwd=ROOT,
                         env={**environ, "PROMETHEUS_MULTIPROC_DIR": "/tmp/unused", **env},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_gunicorn_believes_only_the_configured_proxies():
    assert gunicorn_forwarded_allow_ips() == "127.0.0.1,::1"
    assert gunicorn_forwarded_allow_ips(BOOMER_TRUSTED_PROXIES="10.0.0.0/8") == "10.0.0.0/8"
