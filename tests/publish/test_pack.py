"""The figure pack end to end: files, same bytes whatever the workers, report.pdf, the index."""

from __future__ import annotations

import base64
import json
import re
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plot"))

from plot_frames import indicator_frame

from browser_support import DevTools
from browser_support import chromium as _chromium
from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError
from utenforskap.publish import PNG_DPI, plan_figures, write_figure_pack, write_index
from utenforskap.registry import INDICATORS, THEMES
from utenforskap.select import district_rows, reference_of


@pytest.fixture(scope="module")
def small_frame():
    return indicator_frame(
        indicators=("neet", "ungdata_loneliness"),
        periods=("2023", "2024"),
        ages=("16-19", "16-25"),
        sexes=("total", "male", "female"),
    )


def _pack(frame, out: Path, workers: int):
    figures = write_figure_pack(
        frame,
        out / "figures",
        trend_regions=["990101"],
        synthetic=True,
        report=out / "report.pdf",
        title="Kommunen",
        workers=workers,
    )
    write_index(figures, out / "figures", title="Kommunen", synthetic=True, data=frame)
    return figures


@pytest.fixture(scope="module")
def pack(small_frame, tmp_path_factory):
    """The pack drawn in this process: figures and the output folder."""
    out = tmp_path_factory.mktemp("pack-serial")
    return _pack(small_frame, out, 1), out


def test_pack_has_every_chart_kind_per_indicator(pack) -> None:
    figures, _ = pack
    kinds = {(f.indicator, f.kind) for f in figures}
    for indicator in ("neet", "ungdata_loneliness"):
        for kind in ("bars", "trend", "funnel", "profile", "map"):
            assert (indicator, kind) in kinds
    assert ("", "barometer") in kinds
    assert sum(f.kind == "district" for f in figures) == 6
    # One bar chart per age band; PNG and SVG for each figure.
    assert sum(f.indicator == "neet" and f.kind == "bars" for f in figures) == 2
    for fig in figures:
        assert [p.suffix for p in fig.files] == [".png", ".svg"]
        assert all(p.stat().st_size > 1000 for p in fig.files)
        assert fig.alt and fig.caption


def test_png_is_200_dpi_rgb(pack) -> None:
    from PIL import Image

    figures, _ = pack
    with Image.open(figures[1].files[0]) as image:
        assert image.mode == "RGB"
        assert round(image.info["dpi"][0]) == PNG_DPI
        assert image.size == (round(6.3 * PNG_DPI), round(4.6 * PNG_DPI))


@pytest.mark.slow
def test_reruns_and_worker_counts_give_identical_bytes(pack, small_frame, tmp_path) -> None:
    figures, one = pack
    two = tmp_path
    parallel = _pack(small_frame, two, 2)
    assert [(f.stem, f.caption, f.alt, f.kind) for f in parallel] == [
        (f.stem, f.caption, f.alt, f.kind) for f in figures
    ]
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_svg_has_no_dates_and_fixed_ids(pack) -> None:
    figures, _ = pack
    svg = figures[0].files[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert not re.search(r"20\d\d-\d\d-\d\dT", svg)


def test_report_pdf_is_a4_with_a_page_per_figure(pack) -> None:
    import pikepdf

    figures, out = pack
    with pikepdf.open(out / "report.pdf") as pdf:
        # Cover, summary and method, then one page per figure.
        assert len(pdf.pages) == len(figures) + 3
        for page in pdf.pages:
            box = [float(v) for v in page.MediaBox]
            assert sorted(box[2:]) == pytest.approx([595.3, 841.9], abs=1.0)


def test_index_groups_by_theme_and_is_offline(pack) -> None:
    figures, out = pack
    page = (out / "figures" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    sections = [
        s for s in re.findall(r'<section id="([a-z_]+)">', page) if s not in ("read", "summary")
    ]
    order = ["overview", *THEMES, "districts"]
    assert sections == [s for s in order if s in sections]
    assert {"overview", INDICATORS["neet"].theme, INDICATORS["ungdata_loneliness"].theme} <= set(
        sections
    )
    images = re.findall(r'<img src="([^"]+)"[^>]* alt="([^"]+)"', page)
    assert len(images) == len(figures)
    assert all((out / "figures" / src).exists() and alt for src, alt in images)
    assert "Syntetiske data" in page
    # The report exists in this pack; the tables do not, so they are not linked.
    assert '<a href="../report.pdf">Rapport (PDF)</a>' in page and "indicators.csv" not in page


def test_pack_refuses_a_frame_without_disclosure_control(small_frame, tmp_path) -> None:
    raw = small_frame.copy()
    raw.attrs = {}
    with pytest.raises(DisclosureError):
        write_figure_pack(raw, tmp_path)


# --- the index page in a real headless Chromium ------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_index_page_in_headless_chromium(pack, tmp_path_factory) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    _, out = pack
    index = out / "figures" / "index.html"
    assert index.exists()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        browser = DevTools(binary, Path(profile))
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Page", "Runtime", "Log"):
                browser.call(f"{domain}.enable", session=session)
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": 1280, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            browser.call("Page.navigate", {"url": index.as_uri()}, session=session)
            browser.wait_for("Page.loadEventFired")
            probe = (
                "JSON.stringify({images: Array.from(document.images).map("
                "i => [i.getAttribute('src'), i.complete, i.naturalWidth]),"
                " resources: performance.getEntriesByType('resource').map(e => e.name),"
                " sections: Array.from(document.querySelectorAll('section h2'))"
                ".map(h => h.textContent)})"
            )
            result = browser.call(
                "Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session
            )
            state = json.loads(result["result"]["value"])
            shot = browser.call("Page.captureScreenshot", {"format": "png"}, session=session)
            # The screenshot is kept as a test artifact under pytest's base temp folder.
            artifacts = tmp_path_factory.getbasetemp() / "artifacts"
            artifacts.mkdir(exist_ok=True)
            (artifacts / "index-chromium.png").write_bytes(base64.b64decode(shot["data"]))
            errors = [
                e
                for e in browser.events
                if (e.get("method") == "Runtime.exceptionThrown")
                or (
                    e.get("method") == "Runtime.consoleAPICalled"
                    and e["params"].get("type") in ("error", "assert")
                )
                or (
                    e.get("method") == "Log.entryAdded"
                    and e["params"]["entry"].get("level") == "error"
                )
            ]
        finally:
            browser.close()
    pngs = sorted(p.name for p in index.parent.glob("*.png"))
    assert sorted(src for src, _, _ in state["images"]) == pngs
    broken = [src for src, complete, width in state["images"] if not (complete and width > 0)]
    assert broken == []
    assert all(url.startswith("file://") for url in state["resources"])
    assert state["sections"][:2] == ["Slik leser du figurene", "Hovedfunn"]
    assert "Oversikt" in state["sections"]
    assert errors == []
    assert (artifacts / "index-chromium.png").stat().st_size > 10_000


def test_pack_skips_the_funnel_when_every_district_is_hidden(tmp_path) -> None:
    import pandas as pd

    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    # Two persons with the trait in each district: every district is hidden.
    rows = [
        ("neet", f"99010{i}", f"D{i}", "2024", "16-25", "total", "total", 2.0, 80.0, "")
        for i in (1, 2, 3)
    ]
    rows.append(("neet", "9901", "K", "2024", "16-25", "total", "total", 6.0, 240.0, ""))
    frame = suppress(compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))))
    assert frame.loc[frame[F.REGION] != "9901", F.SUPPRESSED].all()
    figures = write_figure_pack(frame, tmp_path, district_profiles=False, workers=1)
    assert {f.kind for f in figures} == {"bars", "map"}


def test_district_trends_give_one_trend_per_published_district(tmp_path: Path) -> None:
    frame = indicator_frame(periods=("2022", "2023", "2024"))
    figures = write_figure_pack(
        frame,
        tmp_path,
        formats=("png",),
        district_profiles=False,
        district_trends=True,
        workers=1,
    )
    trends = [f for f in figures if f.kind == "trend" and f.stem.rsplit("_", 1)[-1].isdigit()]
    cells = frame[(frame[F.SEX] == "total") & (frame[F.AGE] == "16-25")]
    districts = district_rows(cells, reference=reference_of(cells).code)
    published = sorted(set(districts.loc[~districts[F.SUPPRESSED], F.REGION]))
    assert len(published) >= 2
    assert [f.stem.rsplit("_", 1)[-1] for f in trends] == published
    for fig in trends:
        code = fig.stem.rsplit("_", 1)[-1]
        name = districts.loc[districts[F.REGION] == code, F.REGION_NAME].iloc[0]
        assert name in fig.caption
        assert fig.files[0].is_file()


def test_pack_draws_the_tasks_it_is_given(small_frame, tmp_path: Path) -> None:
    planned = plan_figures(small_frame, district_profiles=False)
    chosen = [t for t in planned if t.kind in ("bars", "map")][:3]
    figures = write_figure_pack(small_frame, tmp_path, tasks=chosen, formats=("png",), workers=1)
    assert [f.stem for f in figures] == [t.stem for t in chosen]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t.stem}.png" for t in chosen)


def test_pack_refuses_slides_without_png(small_frame, tmp_path: Path) -> None:
    from utenforskap.errors import ParameterError

    with pytest.raises(ParameterError, match="add 'png' to formats"):
        write_figure_pack(small_frame, tmp_path, formats=("svg",), slides=tmp_path / "s.pptx")
    with pytest.raises(ParameterError, match="formats must be one of"):
        write_figure_pack(small_frame, tmp_path, formats=("gif",))
