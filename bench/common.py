"""Helpers shared by the HTTP benchmarks: gunicorn on a free loopback port, wrk with a Lua script, scratch
PostgreSQL databases, cached demo databases, peak memory, and writing result.json.

Every server here listens on 127.0.0.1 only, and every load run is bounded in time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "bench"
VAR_BENCH = PROJECT / "var" / "bench"
PYTHON = sys.executable
MANAGE = [PYTHON, str(PROJECT / "manage.py")]
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
# A fixed Fernet key: the demo data is encrypted with it when the database is built, and cached databases are
# read back with it. Benchmark data only.
ENCRYPTION_KEY = "r0Mt7bqfJ2oVVbXOQyFZmbLNTwQbcCzZAYLbmqgkA3c="
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
WRK_MARKER = "WRK_JSON "


def _stop_on_sigterm(signum, frame):
    """bench/run_all.py stops a benchmark past its budget with SIGTERM: unwind, so servers are stopped."""
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _stop_on_sigterm)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command: list[str], *, env: dict | None = None, timeout: float | None = None, quiet: bool = True,
        check: bool = True) -> subprocess.CompletedProcess:
    """Run a command; its output is captured (and shown on failure)."""
    result = subprocess.run(command, env=env, timeout=timeout, capture_output=True, text=True,  # noqa: S603
                            cwd=PROJECT, check=False)
    if check and result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError(f"{' '.join(command[:4])}... exited with {result.returncode}")
    if not quiet:
        sys.stderr.write(result.stdout)
    return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- environments for manage.py and gunicorn

def django_env(database_url: str, **extra: str) -> dict:
    """The environment of a benchmark server (bench.common_settings = production settings on loopback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.common_settings",
        "PYTHONPATH": os.pathsep.join([str(PROJECT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "COMMONBEAT_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,.localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def manage(args: list[str], env: dict, timeout: float | None = None) -> subprocess.CompletedProcess:
    return run([*MANAGE, *args], env=env, timeout=timeout)


def seed(env: dict, scale: int, timeout: float | None = None) -> None:
    """Load the demo city as `make demo` does: with tasks run at once (the trust index, text analysis), so the
    database looks like a deployment whose task workers have caught up."""
    manage(["seed_demo", "--scale", str(scale)], {**env, "DJANGO_SETTINGS_MODULE": "commonbeat.settings.development",
                                                  "DEBUG": "0"}, timeout=timeout)


# ---------------------------------------------------------------- PostgreSQL

def pg_url(name: str) -> str:
    return f"{PG_ADMIN_URL}/{name}"


def psql(sql: str, database: str = "postgres") -> str:
    result = run(["psql", pg_url(database), "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql])
    return result.stdout.strip()


def retry(action, attempts: int = 5):
    """Run action(); on a dropped database connection (PostgreSQL restarted) wait and try again."""
    from django.db import InterfaceError, OperationalError, connection

    for attempt in range(attempts):
        try:
            return action()
        except (OperationalError, InterfaceError) as error:
            if attempt == attempts - 1:
                raise
            log(f"database connection lost ({error.__class__.__name__}); retrying in 5 s")
            connection.close()
            time.sleep(5)
    return None


def setup_django(database_url: str) -> None:
    """Django in this process, on the given database, with the development settings (tasks run at once)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonbeat.settings.development")
    sys.path.insert(0, str(PROJECT / "src"))
    import django

    django.setup()


def create_database(name: str) -> str:
    """A new, empty scratch database (any old one of that name is dropped first); returns its URL."""
    drop_database(name)
    psql(f'CREATE DATABASE "{name}"')
    return pg_url(name)


def drop_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version() -> str:
    with contextlib.suppress(Exception):
        return psql("SHOW server_version").split()[0]
    return "not reachable"


# ---------------------------------------------------------------- cached databases

def code_version(*, seeding: bool) -> str:
    """A short hash of what shapes a database: the migrations, and with `seeding` the demo-data builders."""
    source = PROJECT / "src" / "commonbeat"
    paths = sorted(source.glob("*/migrations/*.py"))
    if seeding:
        paths += sorted(source.glob("*/seeding.py")) + sorted(source.glob("core/seeding.py"))
        paths += sorted(source.glob("core/management/commands/seed_demo.py"))
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(source)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def postgres_database(name: str, *, scale: int | None, timeout: float = 1800) -> tuple[str, dict]:
    """A scratch PostgreSQL database, migrated and (with a scale) seeded with the demo city.

    Building is slow, so the built database is kept as a pg_dump file in var/bench/, keyed by the code that
    shapes it, and restored in the next run. Returns the database URL and what was done (for the notes).
    """
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    kind = f"seeded-x{scale}" if scale else "migrated"
    dump = VAR_BENCH / f"postgres-{kind}-{code_version(seeding=bool(scale))}.dump"
    url = create_database(name)
    started = time.perf_counter()
    if dump.exists():
        log(f"restoring {dump.name} into {name}")
        run(["pg_restore", "--no-owner", "--jobs", "2", "-d", url, str(dump)], timeout=timeout)
        run(["psql", url, "-qAtX", "-c", "ANALYZE"])
        return url, {"database": kind, "source": f"restored from var/bench/{dump.name}",
                     "build_seconds": round(time.perf_counter() - started, 1)}
    env = django_env(url)
    log(f"migrating {name} (no cached {dump.name})")
    manage(["migrate", "--verbosity", "0"], env, timeout=timeout)
    if scale:
        log(f"seeding {name} with the demo city at scale {scale}")
        seed(env, scale, timeout=timeout)
    seconds = round(time.perf_counter() - started, 1)
    for old in VAR_BENCH.glob(f"postgres-{kind}-*.dump"):
        old.unlink()
    run(["pg_dump", "--format", "custom", "--no-owner", "-f", str(dump), url])
    run(["psql", url, "-qAtX", "-c", "ANALYZE"])
    return url, {"database": kind, "source": f"built in this run ({seconds} s) and kept as var/bench/{dump.name}",
                 "build_seconds": seconds}


def sqlite_database(path: Path, *, scale: int, timeout: float = 1800) -> tuple[str, dict]:
    """A fresh SQLite file, migrated and seeded: a copy of the one built and kept in var/bench/ by an earlier run
    of the same code, or built now."""
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    cached = VAR_BENCH / f"sqlite-seeded-x{scale}-{code_version(seeding=True)}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    if cached.exists():
        shutil.copyfile(cached, path)
        return f"sqlite:///{path}", {"source": f"copied from var/bench/{cached.name}",
                                     "build_seconds": round(time.perf_counter() - started, 1)}
    env = django_env(f"sqlite:///{path}")
    log(f"migrating and seeding {path.name} at scale {scale} (no cached {cached.name})")
    manage(["migrate", "--verbosity", "0"], env, timeout=timeout)
    seed(env, scale, timeout=timeout)
    seconds = round(time.perf_counter() - started, 1)
    run([PYTHON, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                       "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()", str(path)])
    for old in VAR_BENCH.glob(f"sqlite-seeded-x{scale}-*.sqlite3"):
        old.unlink()
    shutil.copyfile(path, cached)
    return f"sqlite:///{path}", {"source": f"built in this run ({seconds} s) and kept as var/bench/{cached.name}",
                                 "build_seconds": seconds}


def collect_static(env: dict) -> None:
    """The manifest static files storage needs collected files: collected into var/bench/static once, again
    only when a static file of the project changes."""
    digest = hashlib.sha256()
    for path in sorted((PROJECT / "src" / "commonbeat").glob("*/static/**/*")):
        if path.is_file():
            digest.update(f"{path.relative_to(PROJECT)}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    stamp = VAR_BENCH / "static" / ".collected"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    log("collecting static files into var/bench/static")
    manage(["collectstatic", "--noinput", "--clear", "--verbosity", "0"], env, timeout=900)
    stamp.write_text(digest.hexdigest())


# ---------------------------------------------------------------- gunicorn

@dataclass
class Server:
    env: dict
    workers: int
    log_path: Path
    worker_class: str = "sync"
    threads: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = [PYTHON, "-m", "gunicorn", "commonbeat.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(self.workers), "--worker-class", self.worker_class, "--backlog", "2048",
                   "--timeout", "60", "--graceful-timeout", "20", "--chdir", str(PROJECT),
                   "--error-logfile", "-", "--log-level", "warning", "--capture-output"]
        if self.worker_class == "gthread":
            command += ["--threads", str(self.threads)]
        return command

    def describe(self) -> str:
        extra = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn, {self.workers} {self.worker_class} workers{extra}"

    def start(self, ready_path: str = "/healthz", timeout: float = 120) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = self.log_path.open("w")
        self.process = subprocess.Popen(self.command(), env=self.env, cwd=PROJECT, stdout=log_file,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log_file.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError, urllib.error.URLError), \
                    urllib.request.urlopen(self.base_url + ready_path, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    break
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not answer {ready_path} within {timeout} s; see {self.log_path}")
        # Every worker imports Django on its own: give the slowest time to finish before the load starts.
        self._wait_for_workers(deadline)
        return self

    def _wait_for_workers(self, deadline: float) -> None:
        while time.monotonic() < deadline and len(self.worker_pids()) < self.workers:
            time.sleep(0.2)
        time.sleep(1.0)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        return children_of(self.process.pid)

    def peak_memory_mb(self) -> dict:
        """Peak resident memory (VmHWM) of the master and of the largest worker, and the workers' sum."""
        if self.process is None:
            return {}
        workers = [peak_rss_mb(pid) for pid in self.worker_pids()]
        workers = [w for w in workers if w]
        return {"master_mb": peak_rss_mb(self.process.pid), "largest_worker_mb": max(workers, default=None),
                "all_workers_mb": round(sum(workers), 1)}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish the request in hand
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def children_of(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(part) for part in text.split()]
    return []


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM) in MB, read from /proc."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


# ---------------------------------------------------------------- wrk

def wrk(url: str, script: Path, *, connections: int, seconds: int, threads: int = 2,
        args: list[str] | None = None, timeout_s: int = 10) -> dict:
    """Run wrk with a Lua script whose done() prints one WRK_JSON line; returns that JSON plus the rate.

    The script's JSON holds requests, duration_us, p50/p90/p99/max latency (ms), socket errors and the count
    of 2xx and non-2xx responses."""
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", f"{timeout_s}s", "-s", str(script), url]
    if args:
        command += ["--", *args]
    result = run(command, timeout=seconds + 120)
    for line in result.stdout.splitlines():
        if line.startswith(WRK_MARKER):
            figures = json.loads(line[len(WRK_MARKER):])
            break
    else:
        raise RuntimeError(f"wrk printed no {WRK_MARKER.strip()} line:\n{result.stdout}\n{result.stderr}")
    duration = figures["duration_us"] / 1e6
    errors = figures["errors"]
    figures["seconds"] = round(duration, 2)
    figures["rps"] = round(figures["requests"] / duration, 1) if duration else 0.0
    figures["ok_rps"] = round(figures["ok"] / duration, 1) if duration else 0.0
    figures["socket_errors"] = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    figures["connections"] = connections
    return figures


def wrk_version() -> str:
    with contextlib.suppress(Exception):
        result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S603,S607
        match = re.search(r"wrk (\S+)", result.stdout + result.stderr)
        return match.group(1) if match else "unknown"
    return "not installed"


# ---------------------------------------------------------------- results

def machine() -> dict:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram_gib = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {"cores": os.cpu_count(), "ram_gib": ram_gib, "cpu": model, "kernel": platform.release(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def versions() -> dict:
    import sqlite3

    import django
    import gunicorn
    return {"python": platform.python_version(), "django": django.get_version(), "gunicorn": gunicorn.__version__,
            "postgresql": postgres_version(), "sqlite": sqlite3.sqlite_version, "wrk": wrk_version()}


def write_result(folder: Path, result: dict) -> Path:
    """Write result.json beside the benchmark (the shape every benchmark of bench/ shares)."""
    required = {"name", "title", "command", "figures", "reference", "ratio", "target", "met", "notes", "markdown"}
    missing = required - result.keys()
    if missing:
        raise ValueError(f"result.json is missing {sorted(missing)}")
    result = {**result, "machine": machine(), "versions": versions(),
              "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path = folder / "result.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    log(f"wrote {path.relative_to(PROJECT)}")
    return path


def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} ms"


def fmt_rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}/s"
