"""Time loading the demo city (not a test).

    .venv/bin/python bench/demo/bench_seed_demo.py

Migrates a fresh SQLite database in a temporary directory, runs `manage.py seed_demo` on it and prints the
seconds it took and the peak resident memory of the process. The target is under 90 seconds and 500 MB; the
figure of the last run is in the closing notes of the issue that changed it.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
               "COMMONBEAT_VAR_DIR": folder}
        manage = [sys.executable, str(PROJECT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
        started = time.perf_counter()
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"seed_demo: {seconds:.1f} s, peak resident memory {peak_mb:.0f} MB (target: under 90 s and 500 MB)")


if __name__ == "__main__":
    main()
