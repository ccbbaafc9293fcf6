"""Figure pack speed: 30 districts × 10 indicators, with report.pdf, slides.pptx and index.html.

The pack includes one trend chart per district and indicator (``district_trends``),
so it holds 400+ figures; the report and the deck hold every figure but those
detail trends (report) and the key figures (deck).

Run: /work/venv/bin/python benchmarks/bench_figures.py [--workers N]

Prints, side by side, the time to write the pack (PNG 200 dpi + SVG per figure,
report.pdf, slides.pptx, index.html) with the pack's process pool and in one
process, and a hand-written matplotlib loop drawing as many plain bar charts
(PNG + SVG, no captions or documents); wall and CPU seconds (the machine may be
shared), and a check that pool and one process give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators
from utenforskap.publish import write_figure_pack, write_index
from utenforskap.registry import INDICATORS

DISTRICTS = 30
# The registry's eight and two of a user's own (named by id in the figures).
INDICATOR_IDS = (*list(INDICATORS)[:8], "own_indicator_a", "own_indicator_b")
AGES = ("16-19", "20-25", "16-25")
PERIODS = tuple(str(y) for y in range(2019, 2025))
SEXES = ("total", "male", "female")
# The documents' date: fixed, so both runs give the same bytes.
MADE = datetime.date(2026, 1, 31)


def synthetic_frame(seed: int = 7) -> pd.DataFrame:
    """A suppressed IndicatorFrame: DISTRICTS districts of kommune 9901 plus their sum."""
    rng = np.random.default_rng(seed)
    codes = [f"9901{i:02d}" for i in range(1, DISTRICTS + 1)]
    grid = pd.MultiIndex.from_product(
        [INDICATOR_IDS, codes, PERIODS, AGES, SEXES, [F.GROUP_TOTAL]], names=list(F.KEY_COLUMNS)
    ).to_frame(index=False)
    size = rng.integers(20, 900, size=len(codes))
    rate = rng.uniform(0.03, 0.35, size=len(codes))
    where = grid[F.REGION].map(dict(zip(codes, range(len(codes)), strict=True))).to_numpy()
    n = np.maximum(rng.poisson(size[where] * np.where(grid[F.SEX] == "total", 1.0, 0.5)), 1)
    grid[F.DENOMINATOR] = n.astype(float)
    grid[F.NUMERATOR] = rng.binomial(n, rate[where]).astype(float)
    totals = grid.groupby(
        [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP], as_index=False, sort=True
    )[[F.NUMERATOR, F.DENOMINATOR]].sum()
    totals[F.REGION] = "9901"
    counts = pd.concat([grid, totals], ignore_index=True)
    names = {c: f"Delområde {c[-2:]}" for c in codes} | {"9901": "Kommunen"}
    counts[F.REGION_NAME] = counts[F.REGION].map(names)
    counts[F.STATUS] = ""
    counts = counts.astype({c: object for c in (*F.KEY_COLUMNS, F.REGION_NAME, F.STATUS)})
    return suppress(compute_indicators(F.sort_frame(counts[list(F.COUNT_COLUMNS)])))


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def run(frame: pd.DataFrame, workers: int) -> tuple[float, float, int, int, str]:
    """Seconds, CPU seconds, figures, files and a digest of every byte written."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        start, cpu = time.perf_counter(), _cpu()
        figures = write_figure_pack(
            frame,
            out / "figures",
            trend_regions=["990101", "990102"],
            synthetic=True,
            report=out / "report.pdf",
            slides=out / "slides.pptx",
            title="Kommunen",
            district_trends=True,
            workers=workers,
            made=MADE,
        )
        write_index(
            figures, out / "figures", title="Kommunen", synthetic=True, data=frame, made=MADE
        )
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + path.read_bytes())
        return seconds, cpu, len(figures), len(files), digest.hexdigest()[:12]


def hand_loop(frame: pd.DataFrame, n_figures: int) -> tuple[float, float, int]:
    """What a user writes by hand: one bar chart with whiskers per figure, PNG + SVG, no pool.

    Every figure is the same simple kind (districts as bars with their
    intervals, a title and a source line); no captions, report, deck or page.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = frame[(frame[F.SEX] == "total") & (frame[F.PERIOD] == PERIODS[-1])]
    keys = cells[[F.INDICATOR, F.AGE]].drop_duplicates().to_numpy().tolist()
    with tempfile.TemporaryDirectory() as scratch:
        start, cpu = time.perf_counter(), _cpu()
        for k in range(n_figures):
            indicator, age = keys[k % len(keys)]
            rows = cells[(cells[F.INDICATOR] == indicator) & (cells[F.AGE] == age)]
            rows = rows[~rows[F.SUPPRESSED]].sort_values(F.VALUE)
            fig, ax = plt.subplots(figsize=(6.3, 4.6))
            ax.barh(rows[F.REGION_NAME], rows[F.VALUE], color="#0072B2")
            ax.errorbar(
                rows[F.VALUE],
                rows[F.REGION_NAME],
                xerr=[rows[F.VALUE] - rows[F.CI_LOWER], rows[F.CI_UPPER] - rows[F.VALUE]],
                fmt="none",
                ecolor="black",
            )
            ax.set_title(f"{indicator}, {age} år, {PERIODS[-1]}")
            fig.text(0.01, 0.01, "Kilde: …", fontsize=7)
            fig.savefig(f"{scratch}/f{k}.png", dpi=200)
            fig.savefig(f"{scratch}/f{k}.svg")
            plt.close(fig)
        return time.perf_counter() - start, _cpu() - cpu, n_figures


def main() -> None:
    """Time the pack in parallel and serially, and a hand-written loop; print as each finishes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-serial", action="store_true", help="no one-process pack")
    args = parser.parse_args()
    start = time.perf_counter()
    frame = synthetic_frame()
    print(f"frame: {len(frame)} cells, built in {time.perf_counter() - start:.1f} s", flush=True)
    head = f"{'':34}{'figures':>8}{'files':>7}{'wall s':>9}{'CPU s':>9}{'fig/s':>7}  sha256"
    print(head, flush=True)

    def line(label: str, seconds: float, cpu: float, figures: int, files: int, digest: str) -> None:
        print(
            f"{label:34}{figures:>8}{files:>7}{seconds:>9.1f}{cpu:>9.1f}"
            f"{figures / seconds:>7.1f}  {digest}",
            flush=True,
        )

    parallel = run(frame, args.workers)
    line(f"pack + report + deck, {args.workers} processes", *parallel)
    if not args.skip_serial:
        serial = run(frame, 1)
        line("pack + report + deck, 1 process", *serial)
        print("same bytes, pool and one process:", serial[4] == parallel[4], flush=True)
    loop = hand_loop(frame, parallel[2])
    line("hand-written matplotlib loop", loop[0], loop[1], loop[2], 2 * loop[2], "")
    print("load average at the end:", " ".join(f"{v:.1f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
