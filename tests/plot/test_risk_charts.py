"""What the risk charts draw, checked against the risk tables they draw."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from plot_frames import indicator_frame

from utenforskap import frames as F
from utenforskap.plot import COLOURS, format_number, house_style
from utenforskap.plot.risk import (
    STATUS_COLOURS,
    criteria_matrix,
    rank_caterpillar,
    risk_figure,
    risk_figures,
    risk_heatmap,
    risk_map,
    score_colours,
)
from utenforskap.risk import Criterion, RiskSettings, classify_areas, risk_index

INDICATORS = ("neet", "low_income_children", "upper_secondary_completed")


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def frame():
    return indicator_frame(indicators=INDICATORS, ages=("16-25",))


@pytest.fixture(scope="module")
def index(frame):
    return risk_index(frame, draws=400, seed=1, min_components=1)


def _collection(ax, gid):
    return next(c for c in ax.collections if c.get_gid() == gid)


def test_score_colours_run_from_blue_to_orange() -> None:
    colours = score_colours(np.array([1.0, 5.5, 10.0, np.nan]), method="deciles")
    assert colours[0] == to_hex(COLOURS["better"]) and colours[2] == to_hex(COLOURS["worse"])
    assert colours[1] == "#f7f7f7" and colours[3] == "#ffffff"


def test_heatmap_cells_hidden_cells_and_marks(index) -> None:
    ax = risk_heatmap(index)
    scores = index.scores
    shown = scores[scores["score"].notna()]
    cells = _collection(ax, "cells")
    expected = score_colours(shown["score"].to_numpy(), method="deciles", limits=(1.0, 10.0))
    assert [to_hex(c) for c in cells.get_facecolors()] == expected
    hidden = _collection(ax, "suppressed")
    assert len(hidden.get_paths()) == int(scores["score"].isna().sum())
    assert int(scores["suppressed"].sum()) >= 1  # the small district 990103 is hidden
    rings = _collection(ax, "significant").get_offsets()
    assert len(rings) == int(scores["judgement"].isin(["worse", "better"]).sum())
    composite = _collection(ax, "composite")
    assert len(composite.get_paths()) == len(index.composite)
    printed = {t.get_text() for t in ax.texts}
    for score, complete in zip(index.composite["score"], index.composite["complete"], strict=True):
        if np.isfinite(score):
            assert format_number(score, lang="nb") + ("" if complete else "*") in printed


def test_caterpillar_interval_ends_equal_the_rank_interval(index) -> None:
    ax = rank_caterpillar(index)
    order = index.composite.assign(key=index.composite["rank"].fillna(np.inf)).sort_values(
        ["key", F.REGION], kind="mergesort"
    )
    scored = order[order["rank"].notna()]
    segments = _collection(ax, "intervals").get_segments()
    assert [tuple(s[:, 0]) for s in segments] == list(
        zip(scored["rank_lower"], scored["rank_upper"], strict=True)
    )
    points = _collection(ax, "ranks").get_offsets()
    assert points[:, 0].tolist() == scored["rank"].tolist()


def test_caterpillar_without_draws_has_no_intervals(frame) -> None:
    ax = rank_caterpillar(risk_index(frame, min_components=1))
    assert all(c.get_gid() != "intervals" for c in ax.collections)


def test_criteria_matrix_colours_and_classification(frame) -> None:
    result = classify_areas(
        frame,
        [
            Criterion("neet", ">", 1.0, relative_to="kommune"),
            Criterion("low_income_children", ">", 12),
        ],
        at_least=2,
    )
    ax = criteria_matrix(result, lang="en")
    known = result.criteria[result.criteria["status"] != "unknown"]
    colours = [to_hex(c) for c in _collection(ax, "cells").get_facecolors()]
    assert colours == [to_hex(STATUS_COLOURS[s]) for s in known["status"]]
    unknown = (result.criteria["status"] == "unknown").sum()
    assert unknown == 0 or len(_collection(ax, "suppressed").get_paths()) == unknown
    assert len(_collection(ax, "classification").get_paths()) == len(result.areas)
    labels = {t.get_text() for t in ax.texts}
    assert {"Yes", "No", "Undetermined"} & labels


def test_map_shows_the_composite(index) -> None:
    ax = risk_map(index)
    printed = [t.get_text() for t in ax.texts]
    for score in index.composite["score"].dropna():
        assert format_number(score, lang="nb") in printed
    unscored = index.composite["score"].isna().sum()
    if unscored:
        assert len(_collection(ax, "suppressed").get_paths()) == unscored
    assert ax.get_legend().get_title().get_text().startswith("desiler")


def test_figures_name_the_method_and_save(frame, tmp_path) -> None:
    settings = RiskSettings(
        draws=200,
        seed=2,
        min_components=1,
        criteria=(Criterion("neet", ">", 12),),
    )
    figures = risk_figures(frame, settings, lang="en", synthetic=True)
    assert [f.stem for f in figures] == [
        "risk_heatmap",
        "risk_caterpillar",
        "risk_map",
        "risk_criteria",
    ]
    for fig in figures:
        texts = [t.get_text() for t in fig.figure.texts]
        assert any("Synthetic data" in t for t in texts)
        if fig.kind != "criteria":
            assert any(t.startswith("deciles: 1 = least, 10 = most risk") for t in texts)
        with house_style():
            fig.figure.savefig(tmp_path / f"{fig.stem}.png")
        assert (tmp_path / f"{fig.stem}.png").stat().st_size > 10_000
    assert risk_figures(frame, RiskSettings(figures=False)) == []


def test_figure_bytes_are_deterministic(frame, tmp_path) -> None:
    settings = RiskSettings(draws=100, seed=3, min_components=1)
    paths = []
    for run in range(2):
        fig = risk_figure(frame, "caterpillar", settings=settings)
        path = tmp_path / f"run{run}.png"
        with house_style():
            fig.savefig(path, metadata={"Software": None})
        paths.append(path.read_bytes())
    assert paths[0] == paths[1]
