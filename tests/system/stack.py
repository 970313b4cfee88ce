"""The drill's production-like stack on loopback: nginx (TLS) in front of two
app servers, each a gunicorn (pages) plus a uvicorn (websockets), one Celery
worker, beat, the machine's PostgreSQL (a database of the drill's own) and a
Redis server the drill starts on its own port, so stopping it disturbs no
one else.

Every process is started here and stopped by its own id.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"DRILL_{name}_PORT", default))


@dataclass
class Ports:
    https: int = field(default_factory=lambda: _port("HTTPS", 8143))
    http: int = field(default_factory=lambda: _port("HTTP", 8180))
    web: tuple[int, int] = field(
        default_factory=lambda: (_port("WEB_A", 8111), _port("WEB_B", 8112))
    )
    ws: tuple[int, int] = field(
        default_factory=lambda: (_port("WS_A", 8121), _port("WS_B", 8122))
    )
    redis: int = field(default_factory=lambda: _port("REDIS", 8190))


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def wait_for_port(
    port: int, timeout: float, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"process for port {port} exited with {process.returncode}"
            )
        if port_open(port):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def drill_database_url(base_url: str) -> str:
    """The drill's own database beside the one the tests use."""
    override = os.environ.get("DRILL_DATABASE_URL")
    if override:
        return override
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "canopy"
    return urlunsplit(parts._replace(path=f"/{name}_drill"))


class Stack:
    def __init__(self, database_url: str, workdir: Path | None = None):
        self.ports = Ports()
        self.database_url = database_url
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="canopy-drill-"))
        # nginx's workers run unprivileged and must read static and media.
        self.dir.chmod(0o755)
        self.timings: dict[str, float] = {}
        self.passed = False
        self.logs = self.dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.static_root = self.dir / "static"
        # Media lives as long as the drill's database: the demo's reference
        # photos are written once, where a reused database expects them.
        db_name = urlsplit(database_url).path.lstrip("/") or "canopy"
        self.media_root = BASE_DIR / "var" / "drill" / db_name / "media"
        self.metrics_token = secrets.token_urlsafe(24)
        self.processes: dict[str, subprocess.Popen] = {}
        self._log_files: list = []
        self.base_url = f"https://127.0.0.1:{self.ports.https}"
        self.redis_url = f"redis://127.0.0.1:{self.ports.redis}/0"

    # --- environment -----------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_", "PYTEST", "AXES_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=self._secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.base_url,
            SITE_URL=self.base_url,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.media_root),
            METRICS_TOKEN=self.metrics_token,
            LOG_JSON="1",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            # The drill runs on 2 cores beside its own load: stay lean.
            DB_CONN_MAX_AGE="60",
            HEALTH_CHECK_TIMEOUT="1.5",
        )
        env.update(extra)
        return env

    _secret_key = secrets.token_urlsafe(50)

    def _spawn(
        self, name: str, argv: list[str], env: dict[str, str]
    ) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - closed in stop()
        self._log_files.append(log)
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            argv,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill it whole
        )
        self.processes[name] = process
        return process

    def manage(self, *args: str, timeout: float = 300, **env: str) -> str:
        result = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    # --- components ----------------------------------------------------------------
    def database_prepare(self) -> None:
        """Create the drill database if needed, migrate, load the demo, collect static."""
        import psycopg

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')  # name from our own URL
        started = time.monotonic()
        self.manage("migrate", "--noinput", "-v0", timeout=600)
        self.timings["migrate"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        # The demo loader (accounts included) runs only with DEBUG on.
        self.manage(
            "load_demo", DJANGO_SETTINGS_MODULE="config.settings.dev", DJANGO_DEBUG="1"
        )
        self.timings["load_demo"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        self.manage("collectstatic", "--noinput", "-v0")
        self.timings["collectstatic"] = round(time.monotonic() - started, 1)
        self.media_root.mkdir(parents=True, exist_ok=True)

    def redis_start(self) -> None:
        if port_open(self.ports.redis):
            raise RuntimeError(
                f"port {self.ports.redis} is taken: the drill needs its own Redis"
            )
        data = self.dir / "redis"
        data.mkdir(exist_ok=True)
        # appendonly: a restart keeps queued tasks, as a production Redis would.
        process = self._spawn(
            "redis",
            [REDIS_SERVER, "--port", str(self.ports.redis), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--dir", str(data), "--protected-mode", "yes"],
            env=dict(os.environ),
        )  # fmt: skip
        wait_for_port(self.ports.redis, 15, process)

    def redis_stop(self) -> None:
        self.stop("redis", sig=signal.SIGTERM)

    def web_start(self, index: int) -> None:
        name = f"web{index}"
        multiproc = self.dir / f"prometheus-{name}"
        process = self._spawn(
            name,
            [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py"),
             "config.wsgi:application"],
            self.env(
                GUNICORN_BIND=f"127.0.0.1:{self.ports.web[index]}",
                GUNICORN_WORKERS="2",
                GUNICORN_GRACEFUL_TIMEOUT="10",
                PROMETHEUS_MULTIPROC_DIR=str(multiproc),
            ),
        )  # fmt: skip
        wait_for_port(self.ports.web[index], 60, process)

    def ws_start(self, index: int) -> None:
        name = f"ws{index}"
        process = self._spawn(
            name,
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.ports.ws[index]), "--workers", "1", "--proxy-headers",
             "--no-access-log", "--timeout-graceful-shutdown", "10",
             "--ws-per-message-deflate", "false"],
            self.env(DB_CONN_MAX_AGE="0", PROMETHEUS_MULTIPROC_DIR=str(self.dir / f"prometheus-{name}")),
        )  # fmt: skip
        (self.dir / f"prometheus-{name}").mkdir(exist_ok=True)
        wait_for_port(self.ports.ws[index], 60, process)

    def warm_up(self, index: int) -> None:
        """First requests on fresh workers build URLconfs and template caches:
        do that before the server is measured, straight to its port."""
        import httpx

        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        with httpx.Client(timeout=60) as client:
            for _ in range(4):  # both workers, most likely
                for path in ("/", "/shop/catalogue/", "/healthz"):
                    client.get(
                        f"http://127.0.0.1:{self.ports.web[index]}{path}",
                        headers=headers,
                    )

    def worker_start(self) -> None:
        self._spawn(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,identify,email",
             "-c", "2", "-n", f"drill-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
             "--loglevel", "INFO"],
            self.env(LOG_LEVEL="INFO"),
        )  # fmt: skip

    def kill_worker_children(self) -> int:
        """SIGKILL the Celery worker's pool processes (not the main process)."""
        parent = self.processes["worker"].pid
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        return len(children)

    def last_units_prepare(self, units: int) -> tuple[int, str, int]:
        """A public plant product with exactly ``units`` in stock, none allocated."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            product_id, slug, stockrecord_id = conn.execute(
                "SELECT p.id, p.slug, s.id FROM catalogue_product p "
                "JOIN partner_stockrecord s ON s.product_id = p.id "
                "WHERE p.is_public ORDER BY p.id LIMIT 1"
            ).fetchone()
            conn.execute(
                "UPDATE partner_stockrecord SET num_in_stock = %s, num_allocated = 0 "
                "WHERE id = %s",
                [units, stockrecord_id],
            )
        return product_id, f"/shop/catalogue/{slug}_{product_id}/", stockrecord_id

    def stock_get(self, stockrecord_id: int) -> tuple[int, int]:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(
                "SELECT num_in_stock, num_allocated FROM partner_stockrecord WHERE id = %s",
                [stockrecord_id],
            ).fetchone()

    def orders_get(self, guest_email: str) -> list[str]:
        """The numbers of a guest's orders, straight from the database."""
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT number FROM order_order WHERE guest_email = %s ORDER BY number",
                [guest_email],
            ).fetchall()
        return [row[0] for row in rows]

    def identification_attempts(self, request_id: str) -> int | None:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT attempts FROM identify_identificationrequest WHERE id = %s",
                [request_id],
            ).fetchone()
        return row[0] if row else None

    def beat_start(self) -> None:
        self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
             "--schedule", str(self.dir / "celerybeat-schedule")],
            self.env(LOG_LEVEL="INFO"),
        )  # fmt: skip

    def nginx_start(self) -> None:
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(  # noqa: S603 - fixed argv
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        prefix = self.dir / "nginx"
        argv = [
            sys.executable, str(BASE_DIR / "deploy" / "nginx" / "render.py"),
            "--out", str(prefix / "conf"), "--prefix", str(prefix),
            "--http-listen", f"127.0.0.1:{self.ports.http}",
            "--https-listen", f"127.0.0.1:{self.ports.https}",
            "--ssl-certificate", str(cert), "--ssl-certificate-key", str(key),
            "--static-root", str(self.static_root), "--media-root", str(self.media_root),
            "--worker-processes", "1",
            # A short fail_timeout so the drill sees a dead server leave and
            # a recovered one come back within its bounded steps.
            "--fail-timeout", "5s",
        ]  # fmt: skip
        for port in self.ports.web:
            argv += ["--http-server", f"127.0.0.1:{port}"]
        for port in self.ports.ws:
            argv += ["--ws-server", f"127.0.0.1:{port}"]
        subprocess.run(argv, check=True, capture_output=True, timeout=30)  # noqa: S603
        conf = prefix / "conf" / "nginx.conf"
        process = self._spawn(
            "nginx",
            [NGINX, "-p", str(prefix), "-c", str(conf), "-g", f"daemon off; error_log {self.logs}/nginx-error.log warn;"],
            env=dict(os.environ),
        )  # fmt: skip
        wait_for_port(self.ports.https, 15, process)

    def start(self) -> None:
        self.redis_start()
        self.database_prepare()
        started = time.monotonic()
        for index in (0, 1):
            self.web_start(index)
            self.ws_start(index)
        self.worker_start()
        self.beat_start()
        self.nginx_start()
        for index in (0, 1):
            self.warm_up(index)
        self.timings["servers_start"] = round(time.monotonic() - started, 1)

    # --- stopping ------------------------------------------------------------------------
    def kill(self, name: str) -> None:
        """SIGKILL a component's whole process group: a crash, not a shutdown."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in ("nginx", "beat", "worker", "ws0", "ws1", "web0", "web1", "redis"):
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.stop(name, timeout=15)
        for log in self._log_files:
            log.close()

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
