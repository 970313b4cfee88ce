"""gunicorn settings for Canopy's pages (WSGI). Every value can be overridden
with GUNICORN_* environment variables or on the command line.

    gunicorn -c deploy/gunicorn.conf.py config.wsgi:application
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: Django, Wagtail and Oscar views are all synchronous; a sync
# worker per core (x2 for I/O waits) measured fastest (bench/RESULTS.md).
workers = int(os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) * 2)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM finish the requests in flight before exiting.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # nginx holds upstream keep-alive connections open
# Recycle workers now and then: bounds slow leaks in long-lived processes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # nginx logs requests
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "canopy-web"


def on_starting(server):
    # Prometheus multiprocess files from a previous run would be summed with
    # this run's: start from an empty directory.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    # A dead worker's live gauges must stop counting.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
