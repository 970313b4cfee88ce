"""Run every benchmark, one after another, against a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canopy_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 make bench

Migrates and loads the demo content into that database first. Each script's
Markdown output is saved under var/bench/<name>.md; bench/RESULTS.md holds the
figures we quote, copied from such runs with the conditions they ran under
(the chat benchmark updates its own section). Loopback only; every
measurement in the scripts is bounded in time and request count.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
OUT_DIR = BASE_DIR / "var" / "bench"


def _run(name: str, argv: list[str], env: dict[str, str]) -> int:
    print(f"\n== {name}", flush=True)
    result = subprocess.run(  # fixed argv, our own scripts
        [sys.executable, *argv], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    (OUT_DIR / f"{name}.md").write_text(result.stdout)
    print(result.stdout[-4000:], flush=True)
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr, flush=True)
    return result.returncode


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print(
            "bench needs DATABASE_URL (PostgreSQL) and REDIS_URL, on a database "
            "of its own: it loads the demo content into it.",
            file=sys.stderr,
        )
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True
        )
    env.pop("DJANGO_DEBUG")
    urls = ["--database-url", database_url, "--redis-url", redis_url]
    benchmarks = [
        ("app_servers", ["-m", "bench.app_servers", *urls]),
        ("pages", ["-m", "bench.pages", *urls]),
        ("shop", ["-m", "bench.shop", *urls]),
        ("identify", ["-m", "bench.identify"]),
        ("chat", ["-m", "bench.chat"]),
    ]
    failed = [name for name, argv in benchmarks if _run(name, argv, env) != 0]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nall benchmarks ran; outputs in {OUT_DIR.relative_to(BASE_DIR)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
