"""Benchmark 1: reports filed per second through the real API, beside a bare Django INSERT and pgbench.

    .venv/bin/python bench/intake/bench.py [--seconds 15] [--workers N] [--worker-class sync|gthread]

On a scratch PostgreSQL database (migrated, one agency), gunicorn serves the production settings
(bench/common_settings.py: every middleware, the database task backend so the acknowledgement is really
queued). wrk keeps 32 connections busy POSTing /api/v1/reports, each request with its own Idempotency-Key and
narrative and an e-mail address (so the acknowledgement e-mail task is queued too). In the same run and on
the same server, the same requests go to a bare view doing one INSERT (bench/common_urls.py), and pgbench
runs the same INSERT straight into PostgreSQL with 32 clients. Afterwards every reference acknowledged with a
2xx is looked up in the database (nothing lost). Writes bench/intake/result.json.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The script's own folder holds a bench.py: import the bench package from the project instead.
sys.path[0] = str(Path(__file__).resolve().parents[2])

from bench import common  # noqa: E402
from bench.common import fmt_ms, fmt_rate, log  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "commonbeat_bench_intake"
CONNECTIONS = 32
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0

CREATE_BENCH_TABLE = """
CREATE TABLE IF NOT EXISTS bench_insert (
    id bigserial PRIMARY KEY,
    key varchar(100) NOT NULL UNIQUE,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""

CREATE_AGENCY = """
from commonbeat.core.models import Agency
Agency.objects.get_or_create(slug="port-alder", defaults={
    "name": "Port Alder Police Department", "hosts": "127.0.0.1\\nlocalhost", "timezone": "America/Chicago"})
"""


def pgbench(url: str, seconds: int) -> dict:
    """pgbench running the bare INSERT with 32 clients; rate, and latency percentiles from its per-transaction
    log."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "pgbench"
        command = ["pgbench", "-n", "-c", str(CONNECTIONS), "-j", "2", "-T", str(seconds),
                   "-f", str(HERE / "insert.sql"), "--log", f"--log-prefix={prefix}", url]
        result = common.run(command, timeout=seconds + 120)
        latencies = []
        for log_file in Path(folder).glob("pgbench*"):
            for line in log_file.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    latencies.append(int(parts[2]) / 1000)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 100 else [None] * 99
    return {"rps": round(float(tps.group(1)), 1) if tps else None, "transactions": len(latencies),
            "failed": int(failed.group(1)) if failed else 0, "p50_ms": quantiles[49], "p99_ms": quantiles[98],
            "connections": CONNECTIONS, "seconds": seconds}


def count_lost(url: str, references_file: Path, run_id: str) -> dict:
    """How many reports of this run are in the database, and how many acknowledged ones are missing."""
    acknowledged = [line.strip() for line in references_file.read_text().splitlines() if line.strip()]
    stored = int(common.psql(f"SELECT count(*) FROM feedback_report WHERE idempotency_key LIKE '{run_id}-%'",  # noqa: S608
                             DATABASE))
    missing = 0
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write("\n".join(acknowledged) + "\n")
        listing = handle.name
    try:
        missing = int(common.run(["psql", url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c",
                                  "CREATE TEMP TABLE acknowledged (reference text)", "-c",
                                  f"\\copy acknowledged FROM '{listing}'", "-c",
                                  "SELECT count(*) FROM acknowledged a WHERE NOT EXISTS (SELECT 1 FROM "
                                  "feedback_report r WHERE r.reference = a.reference)"]).stdout.split()[-1])
    finally:
        os.unlink(listing)
    tasks = int(common.psql("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'",
                            DATABASE))
    return {"acknowledged": len(acknowledged), "stored": stored, "missing": missing, "tasks_queued": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="Load per measurement (default 15).")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gthread worker.")
    options = parser.parse_args()
    started = time.perf_counter()

    url, database = common.postgres_database(DATABASE, scale=None)
    env = common.django_env(url)
    common.collect_static(env)  # the error pages use static files too
    common.manage(["shell", "-c", CREATE_AGENCY], env)
    common.psql(CREATE_BENCH_TABLE, DATABASE)

    run_id = f"r{int(time.time())}"
    references = HERE / "acknowledged.txt"
    server = common.Server(env, workers=options.workers, worker_class=options.worker_class,
                           threads=options.threads, log_path=common.VAR_BENCH / "intake-gunicorn.log")
    try:
        server.start()
        log(f"{server.describe()} on {server.base_url}; warming up")
        common.wrk(server.base_url + "/api/v1/reports", HERE / "report.lua", connections=CONNECTIONS, seconds=3,
                   args=[f"{run_id}w", "/api/v1/reports"])
        common.wrk(server.base_url + "/bench/insert", HERE / "report.lua", connections=CONNECTIONS, seconds=2,
                   args=[f"{run_id}w", "/bench/insert"])
        log(f"API intake: {options.seconds} s at {CONNECTIONS} connections")
        api = common.wrk(server.base_url + "/api/v1/reports", HERE / "report.lua", connections=CONNECTIONS,
                         seconds=options.seconds, args=[run_id, "/api/v1/reports", str(references)])
        log(f"  {api['ok_rps']} reports/s, p99 {api['p99_ms']:.1f} ms, non-2xx {api['non2xx']}")
        log(f"bare Django INSERT: {options.seconds} s at {CONNECTIONS} connections")
        bare = common.wrk(server.base_url + "/bench/insert", HERE / "report.lua", connections=CONNECTIONS,
                          seconds=options.seconds, args=[run_id, "/bench/insert"])
        log(f"  {bare['ok_rps']} inserts/s, p99 {bare['p99_ms']:.1f} ms")
        memory = server.peak_memory_mb()
    finally:
        server.stop()  # graceful: the requests in hand finish before the count below
    server_log = server.log_text()
    log(f"pgbench INSERT: {options.seconds} s at {CONNECTIONS} clients")
    pg = pgbench(url, options.seconds)
    log(f"  {pg['rps']} inserts/s, p99 {fmt_ms(pg['p99_ms'])}")
    kept = count_lost(url, references, run_id)
    references.unlink(missing_ok=True)
    common.drop_database(DATABASE)

    server_errors = len(re.findall(r"^Internal Server Error", server_log, flags=re.MULTILINE))
    # Two reports given the same case number at once (the number is read, then incremented, in Python).
    duplicate_numbers = len(re.findall(r'^django.db.utils.IntegrityError: .*"report_reference_per_agency"', server_log,
                                       flags=re.MULTILINE))
    ratio = round(api["ok_rps"] / bare["ok_rps"], 3) if bare["ok_rps"] else None
    errors = api["non2xx"] + api["socket_errors"]
    met = (ratio is not None and ratio >= TARGET_RATIO and errors == 0 and api["p99_ms"] < TARGET_P99_MS
           and kept["missing"] == 0)
    figures = {"api": api, "server": server.describe(), "peak_memory": memory, "integrity": kept,
               "server_log_errors": server_errors,
               "duplicate_case_numbers_in_log": duplicate_numbers, "database": database}
    reference = {"bare_django_insert": bare, "pgbench_insert": pg,
                 "api_vs_pgbench": round(api["ok_rps"] / pg["rps"], 3) if pg["rps"] else None}
    limits = ("Each report is one transaction of several statements (the agency lookup of the tenancy middleware, "
              "the idempotency-key lookup, the agency's feedback settings, the case-number lock and sequence, the "
              "report with its encrypted e-mail, the status change, the audit event with its SHA-256, the "
              "acknowledgement task row) plus pydantic validation and Fernet encryption, all in Python on 2 "
              "cores shared with wrk and PostgreSQL; the bare view pays only the middleware and one INSERT. Case "
              "numbers are taken one at a time per agency (a row lock held from the number to the commit, so "
              "that no two reports get the same number), so one agency's reports are written one after another, "
              "and a worker that holds the lock while the CPU serves another keeps the rest waiting, which "
              "lengthens the p99. What would lift it: more cores for gunicorn workers (the work is CPU-bound in "
              "Python), case numbers from a PostgreSQL sequence per agency and year (no lock; numbers could "
              "then skip when a transaction rolls back), and the agency of a host name kept in memory instead "
              "of queried on every request.")
    if duplicate_numbers:
        limits = (f"{duplicate_numbers} requests failed with 500 because two reports filed at the same moment were "
                  "given the same case number (services._next_reference reads the highest number and adds one, "
                  "so concurrent transactions on PostgreSQL collide on report_reference_per_agency); the "
                  "tracebacks and error pages of those failures also slow the rest. " + limits)
    notes = (f"{server.describe()}; database {database['source']}. Reports in the database from this run: "
             f"{kept['stored']}, acknowledged with a 2xx: {kept['acknowledged']}, acknowledged but missing: "
             f"{kept['missing']} (the few stored beyond the acknowledged ones were in flight when wrk stopped). "
             f"Tasks waiting in the database queue: {kept['tasks_queued']}. {limits}")
    markdown = "\n".join([
        "## 1. Intake: reports filed per second through the API",
        "",
        f"`POST /api/v1/reports` with a unique `Idempotency-Key`, narrative and e-mail per request, {CONNECTIONS} "
        f"connections for {options.seconds} s, {server.describe()}, production settings on PostgreSQL (database "
        "task backend). References in the same run: a bare Django view doing one `INSERT` on the same server, and "
        f"`pgbench -n -c {CONNECTIONS} -j 2 -T {options.seconds} -f bench/intake/insert.sql`.",
        "",
        "| measurement | rate | p50 | p99 | non-2xx | socket errors |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| API intake | {fmt_rate(api['ok_rps'])} | {fmt_ms(api['p50_ms'])} | {fmt_ms(api['p99_ms'])} | "
        f"{api['non2xx']} | {api['socket_errors']} |",
        f"| bare Django INSERT | {fmt_rate(bare['ok_rps'])} | {fmt_ms(bare['p50_ms'])} | {fmt_ms(bare['p99_ms'])} "
        f"| {bare['non2xx']} | {bare['socket_errors']} |",
        f"| pgbench INSERT | {fmt_rate(pg['rps'])} | {fmt_ms(pg['p50_ms'])} | {fmt_ms(pg['p99_ms'])} | "
        f"{pg['failed']} failed | – |",
        "",
        f"Ratio API / bare Django: **{ratio}** (target ≥ {TARGET_RATIO}); API / pgbench: "
        f"{reference['api_vs_pgbench']}. Nothing lost: {kept['acknowledged']} reports acknowledged, "
        f"{kept['missing']} of them missing from the database ({kept['stored']} stored). Peak memory: largest "
        f"worker {memory.get('largest_worker_mb')} MB, all workers {memory.get('all_workers_mb')} MB. "
        f"Server errors in the server log (warm-up included): {server_errors}; of them, two reports given the "
        f"same case number at once: {duplicate_numbers}.",
        "",
        f"What limits it: {limits}",
    ])
    common.write_result(HERE, {
        "name": "intake", "title": "Reports filed per second through the API",
        "command": ".venv/bin/python bench/intake/bench.py " + " ".join(sys.argv[1:]),
        "figures": figures, "reference": reference, "ratio": ratio,
        "target": f"≥ {TARGET_RATIO} of the bare-Django INSERT rate, zero errors, p99 < {TARGET_P99_MS:.0f} ms, "
                  "nothing lost",
        "met": met, "notes": notes, "markdown": markdown,
        "seconds": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    main()
