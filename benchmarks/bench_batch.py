"""The demo's pack for many synthetic kommuner: a batch beside `utenforskap run` in a shell loop.

Issue 16's goal: a pack per kommune for all 357 kommuner of 2024 in under 30
minutes on the 2-core machine. The script writes demo-like data for the
first ``--kommuner`` kommuner of 2024 (:func:`utenforskap.datasets.batch.write_batch_data`,
the demo's districts and sizes, the demo's whole pack: every indicator, PNG
and SVG, report.pdf), into a temporary folder removed afterwards, then:

1. ``utenforskap run --config batch.toml --jobs N`` (one process per kommune,
   N at a time, each drawing its figures in that one process);
2. the same batch again (every kommune unchanged: what a nightly run costs
   when nothing changed);
3. ``utenforskap run --config <kommune>.toml`` once per kommune in a shell loop
   (each run on its own, drawing figures on all cores), on the same
   per-kommune settings — for ``--loop`` of the kommuner (default all), the
   rest projected from their mean;

and checks that both ways write byte-identical ``indicators.csv`` files.
Times are wall clock; CPU is the user + system time of the commands'
processes. The projection for 357 kommuner is wall time per kommune × 357.

Usage::

    python benchmarks/bench_batch.py                   # 50 kommuner, 2 processes
    python benchmarks/bench_batch.py --kommuner 6 --loop 3   # a quick look
    python benchmarks/bench_batch.py --png-only        # the same pack without SVG files

The machine is shared: the script prints the load average beside the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALL_2024 = 357
GOAL_MINUTES = 30.0


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _command() -> list[str]:
    found = shutil.which("utenforskap", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "utenforskap"]


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command; its wall time and CPU time (its processes and their children)."""
    cpu, start = _cpu(), time.perf_counter()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - start, _cpu() - cpu


def single_configs(work: Path, codes: list[str], folders: list[str], names: list[str]) -> None:
    """One single-run configuration per kommune: the batch's settings, the kommune filled in."""
    text = (work / "batch.toml").read_text(encoding="utf-8")
    text = re.sub(r"\[batch\]\nkommuner = [^\n]*\n", "", text)
    for code, out, name in zip(codes, folders, names, strict=True):
        one = text.replace("{kommune}", code)
        one = re.sub(r'^title = "[^"]*"', f'title = "{name}"', one, flags=re.M)
        one = one.replace('output = "out"', f'output = "loop/{out}"')
        one = one.replace("[geography]\n", f'[geography]\nkommune = "{code}"\n')
        (work / f"single-{code}.toml").write_text(one, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=int, default=50, help="kommuner (the first of 2024)")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the batch")
    parser.add_argument(
        "--loop",
        type=int,
        default=None,
        help="kommuner run in the shell loop (default: all; 0: none)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    parser.add_argument(
        "--png-only", action="store_true", help="figures as PNG only (no SVG); report.pdf kept"
    )
    args = parser.parse_args()

    from utenforskap.datasets.batch import write_batch_data
    from utenforskap.job.batch_config import resolve_kommuner

    kommuner = resolve_kommuner("all", year=2024)[: args.kommuner]
    codes = [k.code for k in kommuner]
    work = args.keep or Path(tempfile.mkdtemp(prefix="utenforskap-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"# the demo's pack for {len(codes)} synthetic kommuner ({_load()})")
        start = time.perf_counter()
        config = write_batch_data(work, kommuner=codes, title="Benchmark")
        if args.png_only:
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace('["png", "svg"]', '["png"]'), encoding="utf-8")
            print("<!-- figures as PNG only -->")
        made = time.perf_counter() - start
        size = sum(p.stat().st_size for p in work.rglob("*.csv")) / 1e6
        print(f"<!-- generated {len(codes)} kommuner ({size:.0f} MB of CSV) in {made:.0f} s -->")

        command = _command()
        batch_wall, batch_cpu = timed(
            [*command, "-q", "run", "--config", "batch.toml", "--jobs", str(args.jobs)], work
        )
        summary = json.loads((work / "out" / "batch.json").read_text(encoding="utf-8"))
        assert summary["counts"]["written"] == len(codes), summary["counts"]
        own = [k["seconds"] for k in summary["kommuner"]]
        again_wall, again_cpu = timed(
            [*command, "-q", "run", "--config", "batch.toml", "--jobs", str(args.jobs)], work
        )
        print(f"<!-- after the batch: {_load()} -->")

        loop_n = len(codes) if args.loop is None else min(args.loop, len(codes))
        folders = [k.folder for k in kommuner]
        names = [k.name for k in kommuner]
        single_configs(work, codes, folders, names)
        script = "; ".join(
            f"{' '.join(command)} -q run --config single-{c}.toml" for c in codes[:loop_n]
        )
        loop_wall, loop_cpu = (
            timed(["bash", "-c", f"set -e; {script}"], work) if loop_n else (0.0, 0.0)
        )
        same = all(
            (work / "out" / f / "indicators.csv").read_bytes()
            == (work / "loop" / f / "indicators.csv").read_bytes()
            for f in folders[:loop_n]
        )
        print(f"<!-- done: {_load()} -->")

        n = len(codes)
        rows = [
            (f"batch, --jobs {args.jobs}", n, batch_wall, batch_cpu),
            (f"batch again, nothing changed, --jobs {args.jobs}", n, again_wall, again_cpu),
            ("`utenforskap run` per kommune, shell loop", loop_n, loop_wall, loop_cpu),
        ]
        print(
            "| way | kommuner | wall | wall per kommune | CPU per kommune "
            f"| projected for {ALL_2024} kommuner |"
        )
        print("|---|---|---|---|---|---|")
        for name, count, wall, cpu in rows:
            if not count:
                continue
            per = wall / count
            projected = per * ALL_2024 / 60
            print(
                f"| {name} | {count} | {wall:.0f} s | {per:.1f} s | {cpu / count:.1f} s "
                f"| {projected:.0f} min |"
            )
        mean_own = sum(own) / len(own)
        print(
            f"<!-- each kommune's run in its batch process: mean {mean_own:.1f} s, "
            f"min {min(own):.1f} s, max {max(own):.1f} s -->"
        )
        goal = batch_wall / n * ALL_2024 / 60
        verdict = "met" if goal < GOAL_MINUTES else "NOT met"
        print(f"goal (all {ALL_2024} kommuner in under {GOAL_MINUTES:.0f} min): {verdict}")
        print(f"batch and loop wrote identical indicators.csv: {same}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
