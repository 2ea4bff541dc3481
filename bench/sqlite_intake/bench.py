"""Benchmark 5: 16 residents filing reports at once against the demo server on the default SQLite settings.

    .venv/bin/python bench/sqlite_intake/bench.py [--seconds 15] [--workers N]

A fresh SQLite file, migrated and seeded with the demo city (a copy of the one built and kept in var/bench/ by
an earlier run of the same code, or built now), served by gunicorn with the default database settings (WAL,
IMMEDIATE transactions, a 20 s busy timeout, no persistent connections) and the production settings
otherwise. wrk keeps 16 connections POSTing /api/v1/reports, each request with its own Idempotency-Key.
The target: no "database is locked" error, counted both as non-2xx responses and in the server log.
Writes bench/sqlite_intake/result.json.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

# The script's own folder holds a bench.py: import the bench package from the project instead.
sys.path[0] = str(Path(__file__).resolve().parents[2])

from bench import common  # noqa: E402
from bench.common import fmt_ms, fmt_rate, log  # noqa: E402

HERE = Path(__file__).resolve().parent
LUA = HERE.parent / "intake" / "report.lua"
CONNECTIONS = 16
SCALE = int(os.environ.get("BENCH_SQLITE_SCALE", "1"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="Load (default 15).")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    options = parser.parse_args()
    started = time.perf_counter()

    path = common.VAR_BENCH / "sqlite-intake.sqlite3"
    url, database = common.sqlite_database(path, scale=SCALE)
    env = common.django_env(url)
    common.collect_static(env)
    before = sqlite3.connect(path).execute("SELECT count(*) FROM feedback_report").fetchone()[0]

    run_id = f"s{int(time.time())}"
    references = HERE / "acknowledged.txt"
    server = common.Server(env, workers=options.workers, log_path=common.VAR_BENCH / "sqlite-intake-gunicorn.log")
    try:
        server.start()
        log(f"{server.describe()} on {server.base_url} (SQLite); {options.seconds} s at {CONNECTIONS} connections")
        figures = common.wrk(server.base_url + "/api/v1/reports", LUA, connections=CONNECTIONS,
                             seconds=options.seconds, args=[run_id, "/api/v1/reports", str(references)])
        log(f"  {figures['ok_rps']} reports/s, p99 {figures['p99_ms']:.1f} ms, non-2xx {figures['non2xx']}")
        memory = server.peak_memory_mb()
    finally:
        server.stop()
    server_log = server.log_text()
    locked = len(re.findall(r"database is locked", server_log, flags=re.IGNORECASE))
    tracebacks = len(re.findall(r"Traceback", server_log))

    acknowledged = {line.strip() for line in references.read_text().splitlines() if line.strip()}
    references.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        stored = {row[0] for row in connection.execute(
            "SELECT reference FROM feedback_report WHERE idempotency_key LIKE ?", [f"{run_id}-%"])}
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    missing = len(acknowledged - stored)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    errors = figures["non2xx"] + figures["socket_errors"]
    met = locked == 0 and errors == 0 and missing == 0
    limits = ("SQLite takes one writer at a time: with IMMEDIATE transactions each report waits for the write "
              "lock (up to the 20 s busy timeout) instead of failing, so throughput is that of one writer, and "
              "the wait shows in p99. What would lift it: PostgreSQL (benchmark 1) for more than a handful of "
              "simultaneous submitters; on SQLite, shorter write transactions.")
    notes = (f"{server.describe()}, SQLite {sqlite3.sqlite_version} in {journal} mode; database "
             f"{database['source']} ({before} reports before the run). \"database is locked\" in the server log: "
             f"{locked}; tracebacks: {tracebacks}. Acknowledged: {len(acknowledged)}, stored from this run: "
             f"{len(stored)}, acknowledged but missing: {missing}. {limits}")
    markdown = "\n".join([
        "## 5. SQLite: 16 residents filing at once",
        "",
        f"`POST /api/v1/reports` with a unique `Idempotency-Key` per request, {CONNECTIONS} connections for "
        f"{options.seconds} s, {server.describe()}, default SQLite settings (WAL, IMMEDIATE transactions, 20 s "
        f"busy timeout) on a fresh migrated and seeded file (demo city at scale {SCALE}).",
        "",
        "| rate | p50 | p99 | non-2xx | socket errors | \"database is locked\" in the log | acknowledged but missing |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {fmt_rate(figures['ok_rps'])} | {fmt_ms(figures['p50_ms'])} | {fmt_ms(figures['p99_ms'])} | "
        f"{figures['non2xx']} | {figures['socket_errors']} | {locked} | {missing} |",
        "",
        f"{len(acknowledged)} reports acknowledged, {len(stored)} stored. Peak memory: largest worker "
        f"{memory.get('largest_worker_mb')} MB. Tracebacks in the server log: {tracebacks}.",
        "",
        f"What limits it: {limits}",
    ])
    common.write_result(HERE, {
        "name": "sqlite_intake", "title": "SQLite: 16 concurrent submitters",
        "command": ".venv/bin/python bench/sqlite_intake/bench.py " + " ".join(sys.argv[1:]),
        "figures": {"api": figures, "database_is_locked_in_log": locked, "server_log_tracebacks": tracebacks,
                    "acknowledged": len(acknowledged), "stored": len(stored), "missing": missing,
                    "server": server.describe(), "peak_memory": memory, "database": database},
        "reference": {}, "ratio": None,
        "target": "zero \"database is locked\" errors (non-2xx and server log), nothing lost; throughput recorded",
        "met": met, "notes": notes, "markdown": markdown, "seconds": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    main()
