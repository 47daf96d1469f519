"""The benchmark's results: a table in the terminal, bench/results.json and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = [
    ("target", "target", 34),
    ("concurrency", "conc", 5),
    ("requests", "reqs", 6),
    ("errors", "errors", 6),
    ("wrong_answers", "wrong", 5),
    ("p50_ms", "p50 ms", 8),
    ("p95_ms", "p95 ms", 8),
    ("p99_ms", "p99 ms", 8),
    ("throughput_rps", "msg/s", 7),
]


def table(results: dict[str, Any]) -> str:
    lines = ["  ".join(title.rjust(width) if key != "target" else title.ljust(width) for key, title, width in COLUMNS)]
    for run in results["runs"]:
        cells = []
        for key, _title, width in COLUMNS:
            value = run.get(key)
            text = "-" if value is None else str(value)
            cells.append(text.ljust(width) if key == "target" else text.rjust(width))
        lines.append("  ".join(cells))
    lines.append("")
    for name, memory in results["peak_memory_mb"].items():
        lines.append(f"peak memory  {name:<28} {memory:8.0f} MiB")
    if results.get("training_seconds") is not None:
        lines.append(f"training (cold cache)        {results['training_seconds']:8.1f} s")
    if results.get("stock_training_seconds") is not None:
        lines.append(f"stock bot: rasa init + train {results['stock_training_seconds']:8.1f} s")
    f1 = results.get("nlu_macro_f1")
    lines.append(
        f"NLU cross-validation macro F1 {'-' if f1 is None else f'{f1:.3f}':>7}  ({results.get('nlu_source', '')})"
    )
    lines.append("")
    for target in results["targets"]:
        mark = "MET " if target["met"] else "MISS"
        lines.append(f"[{mark}] {target['name']}: {target['measured']} (target {target['target']})")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets: dict[str, list[dict[str, Any]]] = {}
    for run in results["runs"]:
        targets.setdefault(run["target"], []).append(run)
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, runs in targets.items():
        levels = [run["concurrency"] for run in runs]
        latency.plot(levels, [run["p50_ms"] or 0 for run in runs], marker="o", label=f"{name} p50")
        latency.plot(levels, [run["p95_ms"] or 0 for run in runs], marker="x", linestyle="--", label=f"{name} p95")
        throughput.plot(levels, [run["throughput_rps"] for run in runs], marker="o", label=name)
    latency.set(
        xscale="log",
        yscale="log",
        xlabel="concurrent conversations",
        ylabel="latency per message (ms)",
        title="Latency",
    )
    throughput.set(
        xscale="log", xlabel="concurrent conversations", ylabel="messages answered per second", title="Throughput"
    )
    for axes in (latency, throughput):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    machine = results["machine"]
    figure.suptitle(
        f"Reclaim benchmark {results['date']} - {machine['cpus']} CPU, {machine['cpu_model']}, "
        f"{machine['memory_gb']} GB",
        fontsize=9,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
