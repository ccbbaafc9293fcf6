"""The attacker's audit: intervals of hidden counts from the published table alone (issue #12)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from disclosure_tables import AGE_PARTS, SEX_PARTS, indicator_frame, with_totals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from test_properties import tables

from utenforskap import frames as F
from utenforskap.disclosure import Rules, block_search, suppress
from utenforskap.disclosure.audit import AUDIT_COLUMNS, audit_disclosure, audit_folder
from utenforskap.disclosure.audit_loop import protect_more, suppress_audited
from utenforskap.disclosure.audit_settings import audit_setting
from utenforskap.disclosure.intervals import feasible_intervals
from utenforskap.disclosure.lp import LP
from utenforskap.errors import ConfigError, DataError
from utenforskap.job.cli import main

NAN = float("nan")


def _districts(hidden: dict[str, tuple[float, float]], shown: dict[str, tuple[float, float]]):
    """Kommune 9901 (317 of 3935) and its districts; ``hidden`` cells are blanked."""
    cells = [("neet", "9901", "2024", "16-25", "total", 317.0, 3935.0)]
    for region, (x, n) in {**shown, **hidden}.items():
        cells.append(("neet", region, "2024", "16-25", "total", x, n))
    truth = indicator_frame(cells)
    published = truth.copy()
    at = published[F.REGION].isin(list(hidden))
    published.loc[at, [F.NUMERATOR, F.DENOMINATOR, F.VALUE]] = NAN
    published[F.SUPPRESSED] = at
    return published, truth


def _numerators(result, region: str) -> pd.Series:
    cells = result.cells
    return cells[(cells[F.REGION] == region) & (cells["quantity"] == F.NUMERATOR)].iloc[0]


def test_two_hidden_districts_are_narrowed_to_the_residual_of_three():
    # Worked by hand: 317 - 200 - 114 = 3 is shared by the two hidden districts.
    published, truth = _districts(
        {"990103": (1.0, 300.0), "990199": (2.0, 35.0)},
        {"990101": (200.0, 2000.0), "990102": (114.0, 1600.0)},
    )
    result = audit_disclosure(published, truth=truth, exact=True)
    for region in ("990103", "990199"):
        row = _numerators(result, region)
        assert (row["lo"], row["hi"], row["exact"]) == (0.0, 3.0, False)
        assert row["short"]  # 0..3 does not reach true value + 5
    assert result.summary["short"] == 2
    assert result.disclosed and result.exit_code == 4
    # Without the true counts: short if a district has 1 … 3, not if it has 0.
    blind = audit_disclosure(published).summary
    assert (blind["short"], blind["possibly_short"]) == (0, 2)


def _zero_gives_away() -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = [
        ("neet", "9901", "2024", "16-25", "total", 317.0, 3935.0),
        ("neet", "990101", "2024", "16-25", "total", 200.0, 2000.0),
        ("neet", "990102", "2024", "16-25", "total", 114.0, 1600.0),
        ("neet", "990103", "2024", "16-25", "total", 0.0, 300.0),
        ("neet", "990103", "2024", "16-19", "total", 0.0, 120.0),
        ("neet", "990103", "2024", "20-25", "total", 0.0, 180.0),
        ("neet", "990199", "2024", "16-25", "total", 3.0, 35.0),
    ]
    truth = indicator_frame(cells)
    published = truth.copy()
    at = (published[F.REGION].isin(["990103", "990199"])) & (published[F.AGE] == "16-25")
    published.loc[at, [F.NUMERATOR, F.DENOMINATOR, F.VALUE]] = NAN
    published[F.SUPPRESSED] = at
    return published, truth


def test_a_hidden_cell_known_to_be_zero_gives_the_other_away():
    # 990103's age bands are published with 0 NEET each, so 990103 has 0 and
    # the unknown district 990199 has exactly 317 - 200 - 114 = 3.
    published, truth = _zero_gives_away()
    result = audit_disclosure(published, truth=truth)
    zero = _numerators(result, "990103")
    three = _numerators(result, "990199")
    assert (zero["lo"], zero["hi"], zero["exact"], zero["short"]) == (0.0, 0.0, True, False)
    assert (three["lo"], three["hi"], three["exact"], three["short"]) == (3.0, 3.0, True, True)
    assert result.summary["exact_hidden_nonzero"] == 1
    blind = audit_disclosure(published)  # the attacker needs no true counts for this
    assert blind.summary["short"] == 1 and _numerators(blind, "990199")["exact"]
    # With zeros protected, the exact zero is a disclosure too.
    strict = audit_disclosure(published, truth=truth, rules=Rules(protect_zeros=True))
    assert _numerators(strict, "990103")["short"]


def test_a_wide_residual_protects_both_hidden_cells():
    published, truth = _districts(
        {"990103": (3.0, 300.0), "990199": (40.0, 400.0)},
        {"990101": (200.0, 2000.0), "990102": (74.0, 1235.0)},
    )
    result = audit_disclosure(published, truth=truth, exact=True)
    assert _numerators(result, "990103")[["lo", "hi"]].tolist() == [0.0, 43.0]
    assert not result.disclosed and result.exit_code == 0
    assert result.summary["exact"] == 0 and result.summary["min_width"] == 43.0
    assert not audit_disclosure(published).disclosed
    assert list(result.cells.columns) == list(AUDIT_COLUMNS)


def test_stopping_early_gives_values_inside_the_exact_interval():
    published, truth = _districts(
        {"990103": (3.0, 300.0), "990199": (40.0, 400.0)},
        {"990101": (200.0, 2000.0), "990102": (74.0, 1235.0)},
    )
    exact = audit_disclosure(published, truth=truth, exact=True).cells
    quick = audit_disclosure(published, truth=truth).cells
    assert (quick["lo"] >= exact["lo"]).all() and (quick["hi"] <= exact["hi"]).all()
    assert (quick["short"] == exact["short"]).all()


# --- the engine against exhaustive enumeration -----------------------------------

# A 2 x 2 table with its margins: a b | r1 ; c d | r2 ; c1 c2 | t.
_CELLS = ("a", "b", "c", "d", "r1", "r2", "c1", "c2", "t")
_RELATIONS = [("r1", "a", "b"), ("r2", "c", "d"), ("c1", "a", "c"), ("c2", "b", "d")]
_RELATIONS += [("t", "r1", "r2"), ("t", "c1", "c2")]


def _matrix() -> sp.csr_matrix:
    m = np.zeros((len(_RELATIONS), len(_CELLS)))
    for i, (total, *parts) in enumerate(_RELATIONS):
        m[i, _CELLS.index(total)] = 1
        for p in parts:
            m[i, _CELLS.index(p)] = -1
    return sp.csr_matrix(m)


def _brute_force(x: np.ndarray, n: np.ndarray, hidden: list[int]) -> dict[tuple[int, int], tuple]:
    """Smallest and largest value of each hidden count over every whole-number table.

    The independent reference: enumerate all tables whose inner cells have
    denominators 0..max and numerators 0..denominator, keep those that match
    every published count, and take the extremes.
    """
    top = int(n[-1])
    seen: dict[tuple[int, int], list[float]] = {}
    for dens in itertools.product(range(top + 1), repeat=4):
        if sum(dens) != top:
            continue
        for nums in itertools.product(*(range(d + 1) for d in dens)):
            full_x = _with_margins(np.array(nums, dtype=float))
            full_n = _with_margins(np.array(dens, dtype=float))
            ok = all(
                full_x[i] == x[i] and full_n[i] == n[i]
                for i in range(len(_CELLS))
                if i not in hidden
            )
            if not ok:
                continue
            for i in hidden:
                for q, v in enumerate((full_x[i], full_n[i])):
                    seen.setdefault((i, q), []).append(v)
    assert seen, "the true table itself is always feasible"
    return {k: (min(v), max(v)) for k, v in seen.items()}


def _with_margins(inner: np.ndarray) -> np.ndarray:
    a, b, c, d = inner
    return np.array([a, b, c, d, a + b, c + d, a + c, b + d, a + b + c + d])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dens=st.lists(st.integers(0, 3), min_size=4, max_size=4),
    share=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    hidden=st.sets(st.integers(0, 8), min_size=1, max_size=4),
)
def test_intervals_equal_exhaustive_enumeration(dens, share, hidden):
    n_inner = np.array(dens, dtype=float)
    x_inner = np.floor(n_inner * np.array(share))
    x, n = _with_margins(x_inner), _with_margins(n_inner)
    hidden_cells = sorted(hidden - {8})  # the grand total stays published
    if not hidden_cells:
        return
    x_pub, n_pub = x.copy(), n.copy()
    x_pub[hidden_cells] = np.nan
    n_pub[hidden_cells] = np.nan
    found = feasible_intervals(_matrix(), x_pub, n_pub)
    # With the true table given as a known solution: the same intervals.
    seeded = feasible_intervals(_matrix(), x_pub, n_pub, solution=np.column_stack([x, n]))
    expected = _brute_force(x, n, hidden_cells)
    for (i, q), (lo, hi) in expected.items():
        for got in (found, seeded):
            assert (got.lo[i, q], got.hi[i, q]) == (lo, hi), (i, q)
            assert got.proven[i, q]


def test_a_solve_with_held_bounds_keeps_them_and_puts_them_back():
    # Regression: the status of a solve with temporary bounds was read after
    # the bounds were put back, which resets it ("Not Set"): every such solve
    # fell back to a slow integer program without the bounds.
    # Reference: scipy.optimize.linprog on the same program.
    a = sp.csr_matrix(np.array([[1.0, 1.0, 1.0]]))  # a + b + c = 10
    c = np.array([-1.0, -2.0, -3.0])  # maximise a + 2b + 3c
    held = (np.zeros(3), np.array([np.inf, np.inf, 4.0]))
    for dual in (False, True):
        lp = LP(a, np.array([10.0]), np.array([10.0]), np.zeros(3), np.full(3, np.inf), dual)
        assert lp.model is not None, "SciPy's HiGHS class is there (SciPy >= 1.15)"
        status, fun, x = lp.solve(c, bounds=held)
        ref = linprog(c, A_eq=a.toarray(), b_eq=[10.0], bounds=list(zip(*held, strict=True)))
        assert status == 0 and fun == pytest.approx(ref.fun) and x is not None
        np.testing.assert_allclose(x, ref.x)
        status, fun, x = lp.solve(c)
        assert status == 0 and x is not None and x[2] == pytest.approx(10.0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tables(), hide=st.lists(st.integers(0, 10_000), min_size=1, max_size=10))
def test_the_audit_with_the_truth_judges_every_count_as_the_exact_audit(case, hide):
    # The quick audit (searches seeded with the true table, stopped once a
    # question is settled) against the exact one (every interval's ends).
    truth, rules = case
    published = truth.copy()
    rows = sorted({h % len(published) for h in hide})
    published.loc[rows, [F.NUMERATOR, F.DENOMINATOR, F.VALUE]] = NAN
    published[F.SUPPRESSED] = published.index.isin(rows)
    quick = audit_disclosure(published, truth=truth, rules=rules)
    exact = audit_disclosure(published, truth=truth, rules=rules, exact=True)
    q, e = quick.cells, exact.cells
    assert q["short"].tolist() == e["short"].tolist()
    inside = e["proven"].to_numpy() & q["lo"].notna().to_numpy()
    assert (q["lo"][inside] >= e["lo"][inside]).all() and (q["hi"][inside] <= e["hi"][inside]).all()


def test_linear_relaxation_is_not_narrower_than_the_integer_program():
    # x: a + b = 1 with a, b ≤ their denominators 1: integer and LP agree on [0, 1].
    x = np.array([NAN, NAN, 0, 0, 1, 0, NAN, NAN, 1])
    n = np.array([1, 1, 0, 0, 2, 0, 1, 1, 2], dtype=float)
    whole = feasible_intervals(_matrix(), x, n)
    relaxed = feasible_intervals(_matrix(), x, n, integer=False)
    assert whole.lo[0, 0] == relaxed.lo[0, 0] == 0 and whole.hi[0, 0] == relaxed.hi[0, 0] == 1


def test_contradictory_published_counts_are_reported_not_solved():
    x = np.array([NAN, 5, 0, 0, 3, 0, NAN, 5, 3])  # b = 5 > r1 = 3
    n = np.array([NAN, 9, 0, 0, 9, 0, NAN, 9, 9], dtype=float)
    found = feasible_intervals(_matrix(), x, n)
    assert found.inconsistent[0, 0] and np.isnan(found.lo[0, 0])


# --- a run's audit and the extra suppression it asks for --------------------------


def _small_table() -> pd.DataFrame:
    cells = []
    rng = np.random.default_rng(7)
    for district in ("990101", "990102", "990103", "990104", "990199"):
        for sex in ("male", "female"):
            n = float(rng.integers(15, 80))
            x = float(rng.integers(0, 9))
            cells.append(("neet", district, "2024", "16-25", sex, x, n))
    frame = pd.DataFrame(cells, columns=["i", "r", "p", "a", "s", "x", "n"])
    rows = [tuple(c) for c in frame.itertuples(index=False)]
    for (r,), part in frame.groupby(["r"]):
        rows.append(("neet", r, "2024", "16-25", "total", part["x"].sum(), part["n"].sum()))
    for s, part in frame.groupby("s"):
        rows.append(("neet", "9901", "2024", "16-25", s, part["x"].sum(), part["n"].sum()))
    rows.append(("neet", "9901", "2024", "16-25", "total", frame["x"].sum(), frame["n"].sum()))
    return indicator_frame(rows)


def test_suppress_audited_leaves_nothing_short():
    truth = _small_table()
    published = suppress(truth)
    protected, result = suppress_audited(published, truth)
    assert not result.disclosed
    again = audit_disclosure(protected, truth=truth, exact=True)
    assert again.summary["short"] == 0
    # Showing cells again touches only secondary ones: every other hidden cell stays hidden.
    kept = published[F.SUPPRESSED] & (published[F.SUPPRESSION_REASON] != "secondary")
    assert protected.loc[kept, F.SUPPRESSED].all()
    assert result.summary["added"] == int(
        protected[F.SUPPRESSED].sum() - published[F.SUPPRESSED].sum()
    )
    # Without showing cells again, the audit only ever hides more.
    only_more, _ = suppress_audited(published, truth, release=0)
    assert only_more[F.SUPPRESSED].sum() >= published[F.SUPPRESSED].sum()


def test_the_same_inputs_are_audited_once_and_any_change_is_audited_again(monkeypatch):
    from utenforskap.disclosure import audit_loop

    monkeypatch.setattr(audit_loop, "_ANSWERS", type(audit_loop._ANSWERS)())
    calls = []
    plain = audit_loop._suppress_audited
    monkeypatch.setattr(
        audit_loop, "_suppress_audited", lambda *a, **k: calls.append(1) or plain(*a, **k)
    )
    truth = _small_table()
    published = suppress(truth)
    first, one = suppress_audited(published, truth)
    second, two = suppress_audited(published.copy(), truth.copy())
    assert len(calls) == 1 and (one.summary["cached"], two.summary["cached"]) == (False, True)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(one.cells, two.cells)
    # Handed out as copies: changing one does not change what is remembered.
    second.loc[:, F.NUMERATOR] = -1.0
    third, _ = suppress_audited(published, truth)
    pd.testing.assert_frame_equal(first, third)
    assert len(calls) == 1
    # One count changed, other rules, another release setting: audited again.
    changed = truth.copy()
    changed.loc[changed.index[-1], F.DENOMINATOR] += 1.0
    suppress_audited(published, changed)
    suppress_audited(published, truth, Rules(min_count=4))
    suppress_audited(published, truth, release=0)
    assert len(calls) == 4


def test_protect_more_hides_a_partner_of_each_short_cell():
    published, truth = _districts(
        {"990103": (1.0, 300.0), "990199": (2.0, 35.0)},
        {"990101": (200.0, 2000.0), "990102": (114.0, 1600.0)},
    )
    published = suppress(truth)  # the primary rule hides both districts
    short = audit_disclosure(published, truth=truth).cells
    more = protect_more(published, short[short["short"]])
    # The published district with the smaller population is hidden next.
    assert more.set_index(F.REGION).loc["990102", F.SUPPRESSED]
    assert not more.set_index(F.REGION).loc["990101", F.SUPPRESSED]


def test_audit_setting_reads_the_switch():
    assert audit_setting(None) == (True, {})
    with pytest.raises(ConfigError, match=r"disclosure\.audit"):
        audit_setting({"audit": "yes"})


# --- the command line -----------------------------------------------------------


def _write_pack(folder: Path, published: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    published.to_csv(folder / "indicators.csv", index=False)
    return folder


def test_cli_exit_codes(tmp_path, capsys):
    leaky, _ = _zero_gives_away()
    safe, _ = _districts(
        {"990103": (3.0, 300.0), "990199": (40.0, 400.0)},
        {"990101": (200.0, 2000.0), "990102": (74.0, 1235.0)},
    )
    assert main(["audit", str(_write_pack(tmp_path / "leaky", leaky))]) == 4
    assert "1 short of protection" in capsys.readouterr().out
    assert (
        main(
            ["audit", str(_write_pack(tmp_path / "safe", safe)), "--cells", str(tmp_path / "c.csv")]
        )
        == 0
    )
    assert len(pd.read_csv(tmp_path / "c.csv")) == 4
    assert main(["audit", str(tmp_path / "nowhere")]) == 2
    assert "indicators.csv" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    leaky.drop(columns=[F.DENOMINATOR]).to_csv(broken / "indicators.csv", index=False)
    assert main(["audit", str(broken)]) == 2
    bad_count = tmp_path / "bad_count"
    bad_count.mkdir()
    text = leaky.assign(numerator=leaky[F.NUMERATOR].astype(object))
    text.loc[1, F.NUMERATOR] = "many"
    text.to_csv(bad_count / "indicators.csv", index=False)
    assert main(["audit", str(bad_count)]) == 2
    assert "many" in capsys.readouterr().err


def test_cli_audit_judges_by_a_run_configuration(tmp_path, capsys):
    # A run's configuration has the run's own switches (audit, release) beside
    # the rules; the audit takes the rules and leaves the switches.
    from utenforskap.datasets.demo_cache import demo_config_path

    text = demo_config_path().read_text(encoding="utf-8")
    config = tmp_path / "u.toml"
    config.write_text(
        text.replace(
            "[disclosure]\n", "[disclosure]\naudit = true\nrelease = 2\nmin_count = 3\n"
        ).replace("min_count = 5\n", ""),
        encoding="utf-8",
    )
    safe, _ = _districts(
        {"990103": (3.0, 300.0), "990199": (40.0, 400.0)},
        {"990101": (200.0, 2000.0), "990102": (74.0, 1235.0)},
    )
    pack = str(_write_pack(tmp_path / "safe", safe))
    assert main(["audit", pack, "--config", str(config), "--jobs", "2"]) == 0
    assert "0 short of protection" in capsys.readouterr().out
    config.write_text(text.replace("[disclosure]\n", "[disclosure]\nrelease = -1\n"))
    assert main(["audit", pack, "--config", str(config)]) == 2
    assert "disclosure.release" in capsys.readouterr().err


def test_cli_entry_point(tmp_path):
    leaky, _ = _zero_gives_away()
    exe = shutil.which("utenforskap") or str(Path(sys.executable).with_name("utenforskap"))
    proc = subprocess.run(
        [exe, "audit", str(_write_pack(tmp_path / "p", leaky))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 4, proc.stderr
    assert "short:" in proc.stdout


def test_audit_folder_refuses_a_folder_without_a_table(tmp_path):
    with pytest.raises(DataError, match=r"indicators\.csv"):
        audit_folder(tmp_path)


# --- the attacker on the demo ---------------------------------------------------


@pytest.mark.slow
def test_attacker_on_the_demo(tmp_path):
    """Run the demo, read the indicators.csv it wrote, and attack it (issue #12)."""
    import utenforskap as ut

    out = tmp_path / "processed"
    result = ut.run(out=out, jobs=1)
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["disclosure_audit"]
    assert record["short"] == 0 and record["exact_hidden_nonzero"] == 0
    attack = audit_folder(out)
    print(attack.describe())
    # The attacker has no true counts: its verdict is cautious, yet no hidden
    # numerator other than 0 can be worked out exactly.
    assert attack.summary["exact_hidden_nonzero"] == 0
    assert attack.summary["short"] == 0 and attack.exit_code == 0
    assert len(result.indicators) == len(pd.read_csv(out / "indicators.csv"))


def test_the_manifest_keeps_the_audit_summary():
    from utenforskap.job.manifest import AUDIT_FIELDS, audit_record

    published, truth = _zero_gives_away()
    result = audit_disclosure(published, truth=truth)
    record = audit_record(result.summary)
    assert list(record) == list(AUDIT_FIELDS)
    assert (record["cells"], record["exact"], record["short"]) == (2, 2, 1)
    assert json.loads(json.dumps(record)) == record
    assert audit_record(None) is None


def test_figures_that_contradict_the_truth_mislead_and_are_not_short():
    # An agency's rounded figures: the districts published add up to 317 - 314 = 3
    # for the two hidden ones, but truly they hold 1 + 7 = 8 (the kommune's
    # published total is rounded). The attacker's exact answer is wrong, not a
    # disclosure; the audit says so in "inconsistent" and does not ask for more.
    published, truth = _districts(
        {"990103": (1.0, 300.0), "990199": (2.0, 35.0)},
        {"990101": (200.0, 2000.0), "990102": (114.0, 1600.0)},
    )
    truth.loc[truth[F.REGION] == "990199", F.NUMERATOR] = 7.0
    result = audit_disclosure(published, truth=truth, exact=True)
    row = _numerators(result, "990199")
    assert (row["lo"], row["hi"]) == (0.0, 3.0) and not row["short"]
    assert result.summary["inconsistent"] >= 1
    # 990103's truth (1) lies inside 0 … 3, which does not reach 1 + 5: still short.
    assert _numerators(result, "990103")["short"]


def test_blocks_on_worker_processes_give_the_same_answer(monkeypatch):
    # Several kommuner × years (independent blocks), suppressed by the rules;
    # solved in this process and on two worker processes.
    rng = np.random.default_rng(7)
    leaves = {}
    for kommune in ("9901", "9902", "9903"):
        for year in ("2022", "2023"):
            for d in range(1, 5):
                for age in AGE_PARTS:
                    for sex in SEX_PARTS:
                        n = int(rng.integers(0, 40))
                        x = int(rng.binomial(n, 0.15))
                        leaves[("neet", f"{kommune}{d:02d}", year, age, sex)] = (x, n)
    truth = indicator_frame(with_totals(leaves))
    published = suppress(truth)
    monkeypatch.setattr(block_search, "_PARALLEL_VARIABLES", 0)
    one = audit_disclosure(published, truth=truth)
    two = audit_disclosure(published, truth=truth, jobs=2)
    assert one.summary["blocks"] >= 6
    pd.testing.assert_frame_equal(one.cells, two.cells)
    for key in ("lp", "milp", "short", "exact"):
        assert one.summary[key] == two.summary[key]


def _fylke_table(seed: int = 11) -> pd.DataFrame:
    """Issue 12's synthetic table: a fylke, its kommuner, their districts and unknown district.

    Two kommuner of fylke 99, three districts and the unknown district
    (``…99``) each; male, female and an unknown sex (in the totals only, as
    Ungdata's pupils who state none); ages 16-19 and 20-25 and 16-25; ten
    years and the 3-year spans 2015-2017 … 2022-2024.
    """
    rng = np.random.default_rng(seed)
    years = [str(y) for y in range(2015, 2025)]
    spans = [f"{y}-{y + 2}" for y in range(2015, 2023, 3)] + ["2022-2024"]
    leaves = []
    for k in ("9901", "9902"):
        for d in [*(f"{k}{i:02d}" for i in range(1, 4)), f"{k}99"]:
            size = 4 if d.endswith("99") else int(rng.integers(30, 160))
            for year in years:
                for age in AGE_PARTS:
                    for sex in ("male", "female", "unknown"):
                        n = int(rng.poisson(size if sex != "unknown" else 1))
                        leaves.append((d, year, age, sex, int(rng.binomial(n, 0.1)), n))
    frame = pd.DataFrame(leaves, columns=["d", "p", "a", "s", "x", "n"])
    frame = pd.concat(
        [
            frame.assign(p=span)[
                frame["p"].isin([str(y) for y in range(int(span[:4]), int(span[5:]) + 1)])
            ]
            for span in spans
        ]
        + [frame],
        ignore_index=True,
    )
    regions = [frame.assign(r=frame["d"]), frame.assign(r=frame["d"].str[:4]), frame.assign(r="99")]
    frame = pd.concat(regions, ignore_index=True)
    frame = pd.concat([frame, frame.assign(a="16-25")], ignore_index=True)
    frame = pd.concat([frame, frame.assign(s="total")], ignore_index=True)
    frame = frame[frame["s"] != "unknown"]
    cells = frame.groupby(["r", "p", "a", "s"], as_index=False)[["x", "n"]].sum()
    return indicator_frame(
        ("neet", r, p, a, s, float(x), float(n))
        for r, p, a, s, x, n in cells.itertuples(index=False)
    )


@pytest.mark.slow
def test_the_fylke_table_of_issue_12_publishes_nothing_an_attacker_can_work_out():
    truth = _fylke_table()
    protected, result = suppress_audited(suppress(truth), truth)
    assert result.summary["short"] == 0
    attacker = audit_disclosure(protected)  # the published table alone
    assert attacker.summary["exact_hidden_nonzero"] == 0
    assert attacker.summary["short"] == 0
    # The publisher's exact audit agrees: no small count inside its protection level.
    assert audit_disclosure(protected, truth=truth, exact=True).summary["short"] == 0
