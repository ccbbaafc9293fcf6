"""The backends' glyph caches change no byte: PNG, SVG and PDF as matplotlib draws them.

The reference is matplotlib itself: the same figure saved without the caches.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import io

import pytest
from matplotlib import textpath
from matplotlib.backends import backend_agg, backend_pdf
from matplotlib.figure import Figure

from utenforskap.plot import house_style
from utenforskap.plot._glyphcache import cached_glyphs, glyph_cache_size


def _figure(shift: float) -> Figure:
    """Texts that test the caches' keys: sizes, rotations, weights, subpixel places, mono."""
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_title("Sørhavna og Østbyen – 16–25 år", fontsize=10)
    ax.set_ylabel("Andel (%)", rotation=90)
    ax.set_xticks([0, 1, 2], ["Åsen", "Ærøy", "Øvre"], rotation=30)
    for k, size in enumerate((7, 8.5, 12)):
        fig.text(0.1 + shift + 0.0137 * k, 0.05 + 0.03 * k, "Kilde: SSB; ½ ≥ 5", fontsize=size)
    fig.text(0.6 + shift, 0.9, "Fet tekst", fontweight="bold", rotation=12.5)
    fig.text(0.6, 0.8 + shift, "uten kantutjevning", antialiased=False)
    return fig


def _saved(fig: Figure) -> dict[str, bytes]:
    out = {}
    with house_style():
        for fmt in ("png", "svg", "pdf"):
            buffer = io.BytesIO()
            stamp = "Date" if fmt == "svg" else "CreationDate"
            fig.savefig(buffer, format=fmt, metadata={stamp: None} if fmt != "png" else None)
            out[fmt] = buffer.getvalue()
        with matplotlib.rc_context({"pdf.fonttype": 3}):
            buffer = io.BytesIO()
            fig.savefig(buffer, format="pdf", metadata={"CreationDate": None})
            out["pdf3"] = buffer.getvalue()
    return out


@pytest.mark.parametrize("shift", [0.0, 0.00371, 0.0211])
def test_cached_glyphs_give_matplotlibs_bytes(shift: float) -> None:
    plain = _saved(_figure(shift))
    with cached_glyphs():
        first = _saved(_figure(shift))
        assert glyph_cache_size() > 0
        # The second time everything comes from the caches.
        again = _saved(_figure(shift))
    for fmt, data in plain.items():
        assert first[fmt] == data, fmt
        assert again[fmt] == data, fmt


def test_other_places_reuse_glyphs_and_keep_the_bytes() -> None:
    with cached_glyphs():
        for shift in (0.0, 0.00371, 0.0211):
            _saved(_figure(shift))
        cached = {shift: _saved(_figure(shift)) for shift in (0.0113, 0.0)}
    for shift, saved in cached.items():
        assert saved == _saved(_figure(shift)), shift


def test_backends_are_restored_after_the_block() -> None:
    before = (
        backend_agg.RendererAgg.draw_text,
        backend_pdf.RendererPdf.draw_text,
        backend_pdf._text_helpers,
        textpath.TextToPath.get_glyphs_with_font,
    )
    with cached_glyphs():
        with cached_glyphs():
            assert backend_agg.RendererAgg.draw_text is not before[0]
        assert backend_pdf._text_helpers is not before[2]
    after = (
        backend_agg.RendererAgg.draw_text,
        backend_pdf.RendererPdf.draw_text,
        backend_pdf._text_helpers,
        textpath.TextToPath.get_glyphs_with_font,
    )
    assert after == before


def test_a_forked_process_starts_with_empty_glyph_caches() -> None:
    import multiprocessing

    with cached_glyphs():
        _saved(_figure(0.0))
    assert glyph_cache_size() > 0
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        # A forked process must not read glyphs through its parent's font objects.
        assert pool.apply(glyph_cache_size) == 0
