"""Gunicorn settings for the BOOMER web process (used by docker/Dockerfile's CMD).

Command-line flags (--bind, --workers) override these defaults.

django-prometheus exports from PROMETHEUS_MULTIPROC_DIR when that variable is set, so
/metrics shows the sum over all gunicorn workers instead of whichever worker answered.
"""
import os
import shutil

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Heartbeat files on tmpfs: a slow overlay filesystem can make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# Gunicorn's own lines (access, errors) as JSON lines too, like every BOOMER process when
# BOOMER_LOG_FORMAT=json (the production default), secrets redacted the same way.
if os.environ.get("BOOMER_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "boomer_site.log_context.JsonLogFormatter"}},
        "filters": {"redact": {"()": "boomer_site.redaction.RedactSecretsFilter"},
                    "ids": {"()": "boomer_site.log_context.LogContextFilter"}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact", "ids"],
                                "stream": "ext://sys.stdout"}},
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {name: {"handlers": ["stdout"], "level": "INFO", "propagate": False}
                    for name in ("gunicorn.error", "gunicorn.access")},
    }
# Only the configured proxies are believed about X-Forwarded-Proto (HTTPS, hence the SSL redirect
# and Secure cookies); the same list decides whose X-Forwarded-For BOOMER believes
# (boomer_site/client_ip.py). Never "*": any client could then claim HTTPS.
forwarded_allow_ips = os.environ.get("BOOMER_TRUSTED_PROXIES", "127.0.0.1,::1")

_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/boomer-prometheus")


def on_starting(server):
    # Stale files from a previous run would be counted again: start empty.
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
