"""`make bench`: how fast Reclaim answers, how much it can carry, and how it compares to the stock bot.

Measures, on this machine, in one run:
- training time of our model from a cold cache (`rasa train --force`, nothing reused);
- NLU cross-validation macro F1 (read from `make nlu-cv`'s results/cv; --nlu-cv runs it first);
- the stock `rasa init` bot (its REST channel) at each level of concurrent conversations, as a baseline;
- our bot in the production profile (PostgreSQL tracker store, Redis lock store, one action server) with
  one Rasa server, then with two behind a round-robin client, over the widget and REST channels, walking
  the report flow to its summary (custom actions included);
- p50/p95/p99 latency per message, throughput, errors, wrong answers, peak memory of every server.
Writes a table to the terminal, bench/results.json and bench/results.png. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import report
from bench.load import RECLAIM_FLOWS, STOCK_FLOWS, drive
from scripts.servers import ACTIONS_PY, RASA, ROOT, Fleet, environment

CV_REPORT = ROOT / "results" / "cv" / "intent_report.json"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def machine() -> dict[str, Any]:
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": round(memory_kib / 1024 / 1024, 1),
        "os": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }


def train(workdir: Path) -> tuple[Path, float]:
    """Our model from a cold cache, timed."""
    out = workdir / "models"
    env = environment(RASA_CACHE_DIRECTORY=str(workdir / "cache"), RASA_TELEMETRY_ENABLED="false")
    command = [
        str(RASA),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
        "--out",
        str(out),
        "--fixed-model-name",
        "reclaim",
        "--force",
    ]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / "reclaim.tar.gz", time.perf_counter() - started


def stock_bot(workdir: Path) -> tuple[Path, float]:
    """`rasa init --no-prompt` (which trains it) in a temporary directory, timed."""
    directory = workdir / "stock"
    directory.mkdir()
    env = environment(RASA_CACHE_DIRECTORY=str(workdir / "stock-cache"), RASA_TELEMETRY_ENABLED="false")
    started = time.perf_counter()
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(directory)],
        cwd=workdir,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return directory, time.perf_counter() - started


def nlu_macro_f1(run_cv: bool) -> tuple[float | None, str]:
    if run_cv or not CV_REPORT.exists():
        if not run_cv:
            return None, "not measured: run `make nlu-cv` first, or make bench ARGS=--nlu-cv"
        subprocess.run(["make", "nlu-cv"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(CV_REPORT.read_text())
    when = dt.datetime.fromtimestamp(CV_REPORT.stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return round(data["macro avg"]["f1-score"], 4), f"results/cv/intent_report.json, 5 folds, {when}"


class SharedStores:
    """A throwaway PostgreSQL database and Redis key prefix for the production profile."""

    def __init__(self) -> None:
        import psycopg2  # in the Rasa venv, as Rasa's own PostgreSQL driver

        self.psycopg2 = psycopg2
        self.database = f"reclaim_bench_{uuid.uuid4().hex[:10]}"
        self.prefix = f"reclaimbench{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{self.database}"')

    def _admin(self, sql: str) -> None:
        connection = self.psycopg2.connect(POSTGRES_URL, connect_timeout=3)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def env(self) -> dict[str, str]:
        from urllib.parse import urlsplit

        parts = urlsplit(POSTGRES_URL)
        return {
            "TRACKER_PG_HOST": parts.hostname or "127.0.0.1",
            "TRACKER_PG_PORT": str(parts.port or 5432),
            "TRACKER_PG_DB": self.database,
            "TRACKER_PG_USER": parts.username or "postgres",
            "TRACKER_PG_PASSWORD": parts.password or "",
            "TRACKER_PG_LOGIN_DB": "",
            "REDIS_HOST": os.environ.get("BENCH_REDIS_HOST", "127.0.0.1"),
            "REDIS_PORT": os.environ.get("BENCH_REDIS_PORT", "6379"),
            "REDIS_LOCK_DB": "0",
            "REDIS_PASSWORD": "",
            "REDIS_KEY_PREFIX": self.prefix,
        }

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def run_levels(
    target: str, urls: list[str], flows: Any, levels: list[int], seconds: float, think: float = 0.0
) -> list[dict[str, Any]]:
    runs = []
    if think:
        target = f"{target}, {think:g} s pauses"
    for level in levels:
        summary = drive(urls, flows, level, seconds, think).summary()
        summary["target"] = target
        summary["think_seconds"] = think
        runs.append(summary)
        print(
            f"  {target} at {level}: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
            f"{summary['throughput_rps']} msg/s, {summary['errors']} errors",
            flush=True,
        )
    return runs


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    def run(target: str, level: int) -> dict[str, Any] | None:
        return next((r for r in results["runs"] if r["target"] == target and r["concurrency"] == level), None)

    targets = []

    def add(name: str, measured: Any, target: str, met: bool | None) -> None:
        targets.append({"name": name, "measured": measured, "target": target, "met": bool(met)})

    ours, stock = run("reclaim, 1 server", 1), run("stock rasa init", 1)
    if ours and stock and ours["p50_ms"] and stock["p50_ms"]:
        ratio = ours["p50_ms"] / stock["p50_ms"]
        add(
            "single conversation p50 vs stock bot",
            f"{ours['p50_ms']} ms vs {stock['p50_ms']} ms = {ratio:.2f}x",
            "<= 1.3x",
            ratio <= 1.3,
        )
    paced = f"reclaim, 1 server, {results['think_seconds']:g} s pauses"
    for target in ("reclaim, 1 server", paced):
        ten = run(target, 10)
        if ten:
            add(
                f"p95 at 10 concurrent conversations ({target})",
                f"{ten['p95_ms']} ms",
                "< 200 ms",
                ten["p95_ms"] is not None and ten["p95_ms"] < 200,
            )
    for target in ("reclaim, 1 server", paced, "reclaim, 2 servers"):
        fifty = run(target, 50)
        if fifty:
            add(
                f"errors at 50 concurrent conversations ({target})",
                f"{fifty['errors']} errors, {fifty['wrong_answers']} wrong of {fifty['requests']}",
                "0",
                fifty["errors"] == 0 and fifty["wrong_answers"] == 0,
            )
    rasa_memory = {name: mb for name, mb in results["peak_memory_mb"].items() if name.startswith("reclaim Rasa")}
    if rasa_memory:
        worst = max(rasa_memory.values())
        add("Rasa server peak memory", f"{worst:.0f} MiB", "< 1024 MiB", worst < 1024)
    if results["training_seconds"] is not None:  # None: --model skipped training
        add(
            "training time (cold cache)",
            f"{results['training_seconds']:.0f} s",
            "< 180 s",
            results["training_seconds"] < 180,
        )
    one, two = run("reclaim, 1 server", 50), run("reclaim, 2 servers", 50)
    if one and two:
        add(
            "two servers beat one on throughput (50 concurrent)",
            f"{two['throughput_rps']} vs {one['throughput_rps']} msg/s",
            "2 > 1",
            two["throughput_rps"] > one["throughput_rps"],
        )
    return targets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations, comma-separated")
    parser.add_argument("--two-server-levels", default="10,50")
    parser.add_argument("--seconds", type=float, default=20, help="measured time per level")
    parser.add_argument(
        "--think", type=float, default=5.0, help="average pause between a person's messages in the paced runs (seconds)"
    )
    parser.add_argument("--paced-levels", default="10,50", help="levels also run with pauses ('' for none)")
    parser.add_argument("--model", type=Path, help="serve this model instead of training one (no training time)")
    parser.add_argument("--skip-stock", action="store_true", help="no stock-bot baseline")
    parser.add_argument("--nlu-cv", action="store_true", help="run make nlu-cv first (several minutes)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--chart", type=Path, default=ROOT / "bench" / "results.png")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    two_levels = [int(level) for level in args.two_server_levels.split(",") if level]
    paced_levels = [int(level) for level in args.paced_levels.split(",") if level]

    workdir = Path(tempfile.mkdtemp(prefix="reclaim-bench-"))
    fleet = Fleet(workdir)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "seconds_per_level": args.seconds,
        "think_seconds": args.think,
        "runs": [],
        "peak_memory_mb": {},
        "training_seconds": None,
        "stock_training_seconds": None,
    }
    stores: SharedStores | None = None
    try:
        if args.model:
            model, results["training_seconds"] = args.model.resolve(), None
        else:
            print("Training our model from a cold cache ...", flush=True)
            model, results["training_seconds"] = train(workdir)
        results["nlu_macro_f1"], results["nlu_source"] = nlu_macro_f1(args.nlu_cv)
        base_env = environment(
            RASA_TELEMETRY_ENABLED="false",
            POSTCODE_LOOKUP_URL="",
            PYTHONPATH=str(ROOT),
            WIDGET_SECRET="bench-" + uuid.uuid4().hex,
            WIDGET_RATE_LIMIT_PER_MINUTE="100000",
            # Every simulated person comes from 127.0.0.1: the per-address limit would
            # turn the load into refusals.
            WIDGET_STARTS_PER_MINUTE="100000",
            WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS="100000",
        )

        if not args.skip_stock:
            print("The stock bot: rasa init --no-prompt (trains it) ...", flush=True)
            stock_dir, results["stock_training_seconds"] = stock_bot(workdir)
            stock_model = next((stock_dir / "models").glob("*.tar.gz"))
            server = fleet.rasa(
                "stock",
                stock_model,
                stock_dir / "endpoints.yml",
                base_env,
                cwd=stock_dir,
                credentials=stock_dir / "credentials.yml",
            )
            server.wait_until_up()
            results["runs"] += run_levels("stock rasa init", [server.url], STOCK_FLOWS, levels, args.seconds)
            results["runs"] += run_levels(
                "stock rasa init", [server.url], STOCK_FLOWS, paced_levels, args.seconds, args.think
            )
            results["peak_memory_mb"]["stock Rasa server"] = round(server.peak_memory_mb(), 1)
            fleet.stop(server)

        stores = SharedStores()
        env = {**base_env, **stores.env(), "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}"}
        subprocess.run(
            [str(ACTIONS_PY), "-m", "actions.directory.load"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        actions = fleet.actions(env)
        actions.wait_until_up("/health")
        env["ACTION_SERVER_URL"] = f"{actions.url}/webhook"
        production = ROOT / "bot" / "endpoints.production.yml"
        credentials = ROOT / "bot" / "credentials.yml"
        first = fleet.rasa("rasa-1", model, production, env, credentials=credentials)
        first.wait_until_up()
        print("Our bot, one Rasa server (PostgreSQL + Redis) ...", flush=True)
        results["runs"] += run_levels("reclaim, 1 server", [first.url], RECLAIM_FLOWS, levels, args.seconds)
        results["runs"] += run_levels(
            "reclaim, 1 server", [first.url], RECLAIM_FLOWS, paced_levels, args.seconds, args.think
        )
        results["peak_memory_mb"]["reclaim Rasa server 1 (1 server)"] = round(first.peak_memory_mb(), 1)
        if two_levels:
            second = fleet.rasa("rasa-2", model, production, env, credentials=credentials)
            second.wait_until_up()
            print("Our bot, two Rasa servers, round-robin per message ...", flush=True)
            results["runs"] += run_levels(
                "reclaim, 2 servers", [first.url, second.url], RECLAIM_FLOWS, two_levels, args.seconds
            )
            results["peak_memory_mb"]["reclaim Rasa server 1 (whole run)"] = round(first.peak_memory_mb(), 1)
            results["peak_memory_mb"]["reclaim Rasa server 2"] = round(second.peak_memory_mb(), 1)
        results["peak_memory_mb"]["reclaim action server"] = round(actions.peak_memory_mb(), 1)
    finally:
        fleet.stop_all()
        if stores is not None:
            stores.drop()
        if os.environ.get("BENCH_KEEP_WORKDIR") != "1":
            shutil.rmtree(workdir, ignore_errors=True)

    results["targets"] = judge(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report.write_json(results, args.out)
    report.chart(results, args.chart)
    print()
    print(report.table(results))
    print(f"\nWritten: {args.out} and {args.chart}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
