"""`make bench`: the five benchmarks of bench/, each beside its reference, then bench/RESULTS.md.

    .venv/bin/python bench/run_all.py [--only intake,public_pages] [--budget-minutes 20]

Installs what the benchmarks need when it is missing (wrk, R with the survey package, the PostgreSQL client
for pgbench; Debian packages, as root), starts PostgreSQL when it is not running, runs each
bench/<name>/bench.py in order within the overall budget, and writes RESULTS.md from the result.json files:
the machine and versions once, then each benchmark's section, then a summary table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench import common  # noqa: E402
from bench.common import log  # noqa: E402

ORDER = [
    ("intake", "1. Intake through the API"),
    ("trust_recompute", "2. Trust index recompute"),
    ("public_pages", "3. Public pages"),
    ("export", "4. Export"),
    ("sqlite_intake", "5. SQLite intake"),
]
DEBIAN_PACKAGES = {"wrk": "wrk", "R": "r-base-core", "pgbench": "postgresql-client", "psql": "postgresql-client",
                   "pg_dump": "postgresql-client"}
R_PACKAGES = {"survey": "r-cran-survey"}


def install_missing() -> None:
    wanted = sorted({package for command, package in DEBIAN_PACKAGES.items() if shutil.which(command) is None})
    if shutil.which("Rscript") is None or subprocess.run(  # noqa: S603
            ["Rscript", "-e", "quit(status = !requireNamespace('survey', quietly = TRUE))"],  # noqa: S607
            capture_output=True, check=False).returncode != 0:
        wanted = sorted({*wanted, "r-base-core", *R_PACKAGES.values()})
    if not wanted:
        return
    if os.geteuid() != 0:
        log(f"missing Debian packages {', '.join(wanted)}: install them as root (apt-get install {' '.join(wanted)})")
        return
    log(f"installing {', '.join(wanted)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", *wanted]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)  # noqa: S607
        subprocess.run(install, env=env, capture_output=True, check=True)  # noqa: S603


def ensure_postgres() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0:  # noqa: S607
        return
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise SystemExit("PostgreSQL is not installed and not reachable at 127.0.0.1:5432.")
    log(f"starting PostgreSQL {versions[-1]}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],  # noqa: S603,S607
                   check=True)
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0:  # noqa: S607
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start.")


def rate(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def fmt_ratio(value) -> str:
    return "–" if value is None else f"{value:g}"


def headline(result: dict) -> tuple[str, str]:
    """The main figure and its reference, for the summary table."""
    figures, reference = result.get("figures", {}), result.get("reference", {})
    name = result.get("name")
    if name == "intake":
        return (f"{rate(figures['api']['ok_rps'])} reports/s, p99 {figures['api']['p99_ms']:.0f} ms, "
                f"{figures['api']['non2xx'] + figures['api']['socket_errors']} errors",
                f"bare Django {rate(reference['bare_django_insert']['ok_rps'])}/s; pgbench "
                f"{rate(reference['pgbench_insert']['rps'])}/s")
    if name == "public_pages":
        pages = figures["pages"]
        worst = max(pages.values(), key=lambda page: page["p99_ms"])
        slowest = min(pages.values(), key=lambda page: page["ok_rps"])
        return (f"slowest {slowest['path']} {rate(slowest['ok_rps'])}/s; worst p99 {worst['p99_ms']:.0f} ms",
                f"/healthz {rate(reference['healthz']['ok_rps'])}/s")
    if name == "trust_recompute":
        return (f"{figures['responses']:,} responses recomputed in {figures['recompute_seconds']:.0f} s",
                f"R survey {reference['scaled_to_2400_cells_seconds']:,.0f} s (scaled from "
                f"{figures['sampled_cells']} cells)")
    if name == "export":
        large = figures["large"]
        return (f"{large['rows']:,} rows at {rate(large['rows_per_second'])} rows/s, "
                f"peak {large['peak_rss_mb']:.0f} MB",
                f"COPY {rate(large['copy_rows_per_second'])} rows/s")
    if name == "sqlite_intake":
        return (f"{rate(figures['api']['ok_rps'])} reports/s, {figures['database_is_locked_in_log']} locked, "
                f"{figures['api']['non2xx']} non-2xx", "–")
    return (result.get("figure") or _first_figure(figures), result.get("reference_text") or _first_figure(reference))


def _first_figure(values: dict) -> str:
    for key, value in values.items():
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return f"{key}: {value}"
    return "–"


def write_results(outcomes: list[dict], started: float, command: str) -> Path:
    info, versions = common.machine(), common.versions()
    r_version = "not installed"
    if shutil.which("R"):
        out = subprocess.run(["R", "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S607
        r_version = out.splitlines()[0].replace("R version ", "") if out else "unknown"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M %Z')} in {(time.perf_counter() - started) / 60:.1f} "
        "minutes. Each figure stands beside a reference measured in the same run on the same machine, so the "
        "ratios hold better than the raw rates when the machine is busy with other work.",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| cores | {info['cores']} |",
        f"| memory | {info['ram_gib']} GiB |",
        f"| CPU | {info['cpu']} |",
        f"| load average at the end (1, 5, 15 min) | {', '.join(str(x) for x in info['load_average'])} |",
        f"| Python | {versions['python']} |",
        f"| Django | {versions['django']} |",
        f"| PostgreSQL | {versions['postgresql']} |",
        f"| SQLite | {versions['sqlite']} |",
        f"| gunicorn | {versions['gunicorn']} |",
        f"| wrk | {versions['wrk']} |",
        f"| R | {r_version} |",
        "",
        "| benchmark | figure | reference | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    sections = []
    for outcome in outcomes:
        result = outcome.get("result")
        if result is None:
            lines.append(f"| {outcome['title']} | {outcome['status']} | – | – | – | no |")
            sections.append(f"## {outcome['title']}\n\n{outcome['status']}.")
            continue
        try:
            figure, reference = headline(result)
        except (KeyError, TypeError, ValueError):
            figure, reference = _first_figure(result.get("figures", {})), _first_figure(result.get("reference", {}))
        lines.append(f"| {outcome['title']} | {figure} | {reference} | {fmt_ratio(result.get('ratio'))} | "
                     f"{result.get('target', '')} | {'yes' if result.get('met') else '**no**'} |")
        section = result.get("markdown") or f"## {result.get('title', outcome['name'])}"
        sections.append(f"{section}\n\nCommand: `{result.get('command', '')}` ({outcome['seconds']:.0f} s).")
    path = common.BENCH / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n\n" + "\n\n".join(sections) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="Comma-separated names to run (the others keep their last result.json).")
    parser.add_argument("--budget-minutes", type=float, default=20.0)
    options = parser.parse_args()
    started = time.perf_counter()
    deadline = started + options.budget_minutes * 60
    install_missing()
    ensure_postgres()
    chosen = set(options.only.split(",")) if options.only else None
    outcomes = []
    for name, title in ORDER:
        script = common.BENCH / name / "bench.py"
        outcome = {"name": name, "title": title, "seconds": 0.0, "result": None}
        outcomes.append(outcome)
        result_file = script.parent / "result.json"
        if not script.exists():
            outcome["status"] = f"skipped: bench/{name}/bench.py does not exist"
            log(f"{title}: {outcome['status']}")
            continue
        if chosen is not None and name not in chosen:
            if result_file.exists():
                outcome["result"] = json.loads(result_file.read_text())
                outcome["seconds"] = outcome["result"].get("seconds", 0.0)
            else:
                outcome["status"] = "not run in this run (--only) and no earlier result"
            continue
        remaining = deadline - time.perf_counter()
        if remaining < 30:
            outcome["status"] = f"skipped: the {options.budget_minutes:g}-minute budget was used up"
            log(f"{title}: {outcome['status']}")
            continue
        result_file.unlink(missing_ok=True)
        log(f"{title}: running bench/{name}/bench.py ({remaining / 60:.1f} minutes of budget left)")
        began = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(script)], cwd=common.PROJECT)  # noqa: S603
        try:
            code = process.wait(timeout=remaining)
            status = f"failed (exit code {code})" if code else "done"
        except subprocess.TimeoutExpired:
            process.terminate()  # the benchmark stops its server and drops its database on SIGTERM
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            status = f"stopped: it did not finish within the {options.budget_minutes:g}-minute budget"
        outcome["seconds"] = time.perf_counter() - began
        if result_file.exists():
            outcome["result"] = json.loads(result_file.read_text())
        else:
            outcome["status"] = f"{status}; it wrote no result.json"
        log(f"{title}: {status} in {outcome['seconds']:.0f} s")
    path = write_results(outcomes, started, "make bench" if not options.only else
                         f"bench/run_all.py --only {options.only}")
    log(f"wrote {path.relative_to(common.PROJECT)} in {(time.perf_counter() - started) / 60:.1f} minutes")


if __name__ == "__main__":
    main()
