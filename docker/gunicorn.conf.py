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
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/boomer-prometheus")


def on_starting(server):
    # Stale files from a previous run would be counted again: start empty.
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
