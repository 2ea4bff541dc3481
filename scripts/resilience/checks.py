"""Faults under load, on loopback only: PostgreSQL restarted while residents file reports, and a task worker
killed with SIGKILL in the middle of sending acknowledgements. Run by run.sh, which prepares the scratch
database and the environment (DATABASE_URL, DJANGO_SETTINGS_MODULE, RESILIENCE_MAIL_LOG, ...).

Every request loop is bounded in count and in time, and every process started here is stopped here.
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parents[2]
PYTHON = str(PROJECT / ".venv" / "bin" / "python")
GUNICORN = str(PROJECT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
REFERENCE = re.compile(r"\b[CK]\d{4}-\d{5}\b")

CLIENTS = int(os.environ.get("RESILIENCE_CLIENTS", "16"))
LOAD_SECONDS = float(os.environ.get("RESILIENCE_LOAD_SECONDS", "30"))
DB_RESTARTS = int(os.environ.get("RESILIENCE_DB_RESTARTS", "1"))
REPORT_DEADLINE_SECONDS = 45.0  # a client gives up on one report after this long
WORKER_BATCH = int(os.environ.get("RESILIENCE_WORKER_BATCH", "200"))
DRAIN_SECONDS = 90.0

failures: list[str] = []


def check(condition: bool, message: str) -> None:
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def database() -> psycopg.Connection:
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def manage(*args: str, timeout: float = 120) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT, capture_output=True,  # noqa: S603
                          text=True, timeout=timeout)
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return done.stdout.strip()


# ---------------------------------------------------------------- the web server and its clients

class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.log = open(os.environ["RESILIENCE_DIR"] + "/gunicorn.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [GUNICORN, "commonbeat.wsgi:application", "--bind", f"{HOST}:{self.port}", "--workers", "3",
             "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=PROJECT, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited at start; see gunicorn.log")
            try:
                status, _ = post(self.port, {"kind": "commendation", "narrative": "Start-up check of the server."},
                                 f"startup-{uuid.uuid4()}")
                if status in (200, 201):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def post(port: int, payload: dict, key: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(HOST, port, timeout=20)
    try:
        connection.request("POST", "/api/v1/reports", body=json.dumps(payload), headers={
            "Content-Type": "application/json", "Idempotency-Key": key, "Host": HOST})
        response = connection.getresponse()
        body = response.read()
        try:
            return response.status, json.loads(body or b"{}")
        except ValueError:
            return response.status, {}
    finally:
        connection.close()


@dataclass
class Filing:
    key: str
    references: list[str] = field(default_factory=list)  # the case number of every successful answer
    attempts: int = 0
    acknowledged_at: float | None = None


@dataclass
class Load:
    port: int
    stop_at: float
    with_email: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    filings: list[Filing] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)  # (when, what) for every failed attempt
    successes: list[float] = field(default_factory=list)

    def file_one(self, number: int) -> Filing:
        filing = Filing(key=str(uuid.uuid4()))
        payload = {"kind": random.choice(["complaint", "commendation"]),
                   "narrative": f"Resilience check report {number}: the officer at the corner of Elm and 3rd.",
                   "location_text": f"Elm and 3rd, stop {number}"}
        if self.with_email:
            payload |= {"email": f"resident{number}@example.org", "consent_to_contact": True}
        give_up_at = time.monotonic() + REPORT_DEADLINE_SECONDS
        delay = 0.05
        while time.monotonic() < give_up_at:
            filing.attempts += 1
            started = time.monotonic()
            try:
                status, body = post(self.port, payload, filing.key)
            except (OSError, http.client.HTTPException) as error:
                status, body = 0, {"detail": type(error).__name__}
            if status in (200, 201):
                filing.references.append(body["reference"])
                filing.acknowledged_at = time.monotonic()
                with self.lock:
                    self.successes.append(started)
                if filing.attempts > 1:  # ask once more: the answer for a retried key must not change
                    try:
                        again_status, again = post(self.port, payload, filing.key)
                        if again_status in (200, 201):
                            filing.references.append(again["reference"])
                    except (OSError, http.client.HTTPException):
                        pass
                return filing
            with self.lock:
                self.errors.append((started, f"{status or body['detail']}"))
            if 400 <= status < 500:
                return filing  # a refusal is not retried: it would not change
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)
        return filing

    def client(self, client_number: int, count: int | None) -> None:
        number = client_number * 100_000
        while time.monotonic() < self.stop_at and (count is None or number < client_number * 100_000 + count):
            filing = self.file_one(number)
            with self.lock:
                self.filings.append(filing)
            number += 1

    def run(self, clients: int, per_client: int | None = None, during=None) -> None:
        threads = [threading.Thread(target=self.client, args=(n, per_client), daemon=True) for n in range(clients)]
        for thread in threads:
            thread.start()
        if during:
            during()
        for thread in threads:
            thread.join(timeout=self.stop_at - time.monotonic() + REPORT_DEADLINE_SECONDS + 30)


def check_reports(filings: list[Filing]) -> dict[str, str]:
    """Every acknowledged key is stored once with the case number it was answered with; no key twice."""
    acknowledged = [f for f in filings if f.acknowledged_at is not None]
    with database() as connection:
        stored = dict(connection.execute(
            "SELECT idempotency_key, reference FROM feedback_report WHERE idempotency_key IS NOT NULL").fetchall())
        doubled = connection.execute(
            "SELECT count(*) FROM (SELECT agency_id, idempotency_key FROM feedback_report "
            "WHERE idempotency_key IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) AS d").fetchone()[0]
        references_doubled = connection.execute(
            "SELECT count(*) FROM (SELECT agency_id, reference FROM feedback_report "
            "GROUP BY 1, 2 HAVING count(*) > 1) AS d").fetchone()[0]
    missing = [f.key for f in acknowledged if f.key not in stored]
    wrong = [f.key for f in acknowledged if f.key in stored and set(f.references) != {stored[f.key]}]
    retried = [f for f in acknowledged if f.attempts > 1]
    check(not missing, f"every acknowledged report is stored ({len(acknowledged)} acknowledged, "
                       f"{len(missing)} missing)")
    check(doubled == 0, f"no Idempotency-Key has two reports ({doubled} found)")
    check(references_doubled == 0, f"no case number is given twice ({references_doubled} found)")
    check(not wrong, f"every answer for a key, first or retried, carried the stored case number "
                     f"({len(retried)} keys retried, {len(wrong)} disagreed)")
    unacknowledged = [f for f in filings if f.acknowledged_at is None]
    check(not unacknowledged, f"every report was acknowledged before its client's deadline "
                              f"({len(unacknowledged)} were not)")
    return stored


# ---------------------------------------------------------------- part 1: PostgreSQL restarted under load

def restart_postgresql() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run([shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect",  # noqa: S603
                    version, "main", "restart", "-m", "fast"], check=True, timeout=120, capture_output=True)
    pg_isready = shutil.which("pg_isready") or "/usr/bin/pg_isready"
    for _ in range(120):
        if subprocess.run([pg_isready, "-h", HOST, "-p", "5432", "-q"]).returncode == 0:  # noqa: S603
            break
        time.sleep(0.25)
    return time.monotonic() - started


def database_restart(server: Server) -> None:
    print("== 1. PostgreSQL restarted while residents file reports", flush=True)
    began = time.monotonic()
    load = Load(server.port, stop_at=began + LOAD_SECONDS)
    restarts: list[tuple[float, float]] = []  # (when the restart began, how long the server was away)

    def restart_during_load() -> None:
        for number in range(DB_RESTARTS):
            time.sleep(max(0.0, began + LOAD_SECONDS * (number + 1) / (DB_RESTARTS + 1) - time.monotonic()))
            at = time.monotonic()
            restarts.append((at, restart_postgresql()))
            print(f"  PostgreSQL restart {number + 1}: back after {restarts[-1][1]:.1f} s", flush=True)

    load.run(CLIENTS, during=restart_during_load)
    check_reports(load.filings)
    for number, (at, _) in enumerate(restarts, 1):
        window_end = restarts[number][0] if number < len(restarts) else float("inf")
        errors = [when for when, _ in load.errors if at - 1 <= when < window_end]
        if errors:
            last_error = max(errors)
            recovered = min((s for s in load.successes if s > last_error), default=None)
            recovery = f"{recovered - at:.1f} s" if recovered else "never"
        else:
            recovery = "no request failed"
        print(f"  restart {number}: {len(errors)} failed attempts, first report acknowledged after the last "
              f"failure {recovery} after the restart began", flush=True)
        check(not errors or recovered is not None, f"reports are acknowledged again after restart {number}")
    kinds: dict[str, int] = {}
    for _, what in load.errors:
        kinds[what] = kinds.get(what, 0) + 1
    acknowledged = sum(1 for f in load.filings if f.acknowledged_at is not None)
    print(f"  summary: {acknowledged} reports acknowledged by {CLIENTS} clients in {LOAD_SECONDS:.0f} s, "
          f"{sum(f.attempts - 1 for f in load.filings)} retries, errors seen: "
          f"{', '.join(f'{k} x{v}' for k, v in sorted(kinds.items())) or 'none'}", flush=True)
    audit = manage("verify_audit")
    check(audit.startswith("Audit log intact"), f"the audit log verifies: {audit}")


# ---------------------------------------------------------------- part 2: a task worker killed mid-batch

def mail_lines(path: Path) -> list[dict]:
    """The messages recorded so far. The file may be read while a worker appends to it: a last line without its
    line feed is still being written and is left for the next read."""
    if not path.exists():
        return []
    complete = path.read_text().split("\n")[:-1]
    return [json.loads(line) for line in complete if line.strip()]


def task_counts(connection, where: str = "TRUE", *params: str) -> dict[str, int]:
    return dict(connection.execute(
        f"SELECT status, count(*) FROM django_tasks_database_dbtaskresult WHERE {where} GROUP BY status",  # noqa: S608
        params).fetchall())


def start_worker(worker_id: str, log_name: str, *, batch: bool) -> subprocess.Popen:
    log = open(Path(os.environ["RESILIENCE_DIR"]) / log_name, "ab")  # noqa: SIM115
    command = [PYTHON, "manage.py", "db_worker", "--worker-id", worker_id, "--no-startup-delay",
               "--interval", "0.2", "--no-reload"]
    if batch:
        command.append("--batch")
    return subprocess.Popen(command, cwd=PROJECT, stdout=log, stderr=log)  # noqa: S603


def requeue_abandoned(worker_id: str) -> int:
    """django-tasks-db never gives up on a RUNNING task: a task held by a worker known to be dead goes back to
    READY here. Safe only because the task is idempotent and the worker is certainly gone."""
    with database() as connection:
        return connection.execute(
            "UPDATE django_tasks_database_dbtaskresult SET status = 'READY', started_at = NULL "
            "WHERE status = 'RUNNING' AND worker_ids->>-1 = %s", [worker_id]).rowcount


def worker_crash(server: Server) -> None:
    print(f"== 2. A task worker killed with SIGKILL while {WORKER_BATCH} acknowledgements go out", flush=True)
    mail_log = Path(os.environ["RESILIENCE_MAIL_LOG"])
    load = Load(server.port, stop_at=time.monotonic() + 120, with_email=True)
    clients = 8
    load.run(clients, per_client=-(-WORKER_BATCH // clients))
    stored = check_reports(load.filings)
    filed = {stored[f.key] for f in load.filings if f.key in stored}
    with database() as connection:
        queued = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s AND status = 'READY'",
            ["%notify_resident"]).fetchone()[0]
    check(queued == len(filed), f"every report queued its acknowledgement while no worker ran "
                                f"({queued} queued for {len(filed)} reports)")
    with database() as connection:
        # Each report also queues triage suggestions on the "text" task backend, which has its own workers (the
        # model takes seconds to load): the acknowledgement workers never take them.
        set_aside = task_counts(connection, "backend_name = %s", "text").get("READY", 0)
    print(f"  {set_aside} triage-suggestion tasks waiting for the text workers", flush=True)

    kill_after = max(1, len(filed) // 3)
    first = start_worker("resilience-first", "worker-first.log", batch=False)
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and first.poll() is None:
        if len(mail_lines(mail_log)) >= kill_after:
            break
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    sent_before_kill = len(mail_lines(mail_log))
    with database() as connection:
        counts = task_counts(connection)
    print(f"  worker killed after {sent_before_kill} of {len(filed)} e-mails; tasks then: {counts}", flush=True)
    check(0 < sent_before_kill < len(filed), "the worker died in the middle of the batch")
    requeued = requeue_abandoned("resilience-first")
    print(f"  tasks left RUNNING by the dead worker and put back in the queue: {requeued}", flush=True)

    second = start_worker("resilience-second", "worker-second.log", batch=True)
    try:
        second.wait(timeout=DRAIN_SECONDS)
    except subprocess.TimeoutExpired:
        second.kill()
        second.wait()
        check(False, f"the second worker drained the queue within {DRAIN_SECONDS:.0f} s")
    with database() as connection:
        counts = task_counts(connection, "backend_name = %s", "default")
        untouched = task_counts(connection, "backend_name = %s", "text")
    check(set(counts) == {"SUCCESSFUL"}, f"every acknowledgement task finished successfully, none lost or stuck: "
                                         f"{counts}")
    check(untouched == {"READY": set_aside}, f"the text workers' triage tasks were left alone: {untouched}")

    by_reference: dict[str, list[dict]] = {}
    for line in mail_lines(mail_log):
        found = REFERENCE.search(line["subject"])
        if found:
            by_reference.setdefault(found.group(), []).append(line)
    never = sorted(filed - set(by_reference))
    twice = sorted(ref for ref, lines in by_reference.items() if len({m["message_id"] for m in lines}) > 1)
    resent = sorted(ref for ref, lines in by_reference.items() if len(lines) > 1 and ref not in twice)
    check(not never, f"every report got its acknowledgement e-mail ({len(never)} did not)")
    check(not twice, f"no report got two different acknowledgement e-mails ({len(twice)} did)")
    print(f"  summary: {len(filed)} reports, {sum(len(v) for v in by_reference.values())} e-mails written, "
          f"{len(resent)} re-sent with the same Message-ID (the worker died between the send and the commit)",
          flush=True)


def server_errors() -> None:
    """What the web server logged as errors, by exception and message, so a 500 seen by clients is explained."""
    log = Path(os.environ["RESILIENCE_DIR"]) / "gunicorn.log"
    seen: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^[\w.]+(Error|Exception): ", line) and "staticfiles manifest" not in line:
            seen[line[:160]] = seen.get(line[:160], 0) + 1
    for line, count in sorted(seen.items(), key=lambda item: -item[1]):
        print(f"  server log: {count} x {line}", flush=True)


def main() -> int:
    started = time.monotonic()
    server = Server()
    try:
        database_restart(server)
        worker_crash(server)
    finally:
        server.stop()
        server_errors()
    print(f"== resilience checks took {time.monotonic() - started:.0f} s: "
          f"{'all passed' if not failures else f'{len(failures)} failed'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
