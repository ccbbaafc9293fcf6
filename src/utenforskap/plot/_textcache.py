"""Measure each text once per process: a cache of matplotlib's text layout across figures.

Drawing a figure lays out every text (tick labels, titles, legend entries)
once for the layout, once for the PNG, once for the SVG and once for the
report's PDF page, and the next figure lays out the same tick labels and
names again. matplotlib keeps a text-metrics cache per renderer only, and
looks up the font and its tables on every layout: about a fifth of the time
of a figure pack. :func:`cached_text_layout` keeps the layout of each text
(its box and the offsets of its lines, which do not depend on where the text
sits) keyed on everything the layout reads: the string, font properties,
alignment, rotation, line spacing, the figure's dpi, the kind of renderer
and its dpi, and the settings that change glyph metrics. A cached layout is
the very value matplotlib would compute, so the files written have the same
bytes with and without the cache. The shaping of each string and the
glyphs it draws are cached inside the backends too, in the same block
(:mod:`utenforskap.plot._glyphcache`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["cached_text_layout", "layout_cache_size"]

# Settings that change how wide a glyph is or which font a family name means.
_RC_KEYS = (
    "text.hinting",
    "text.hinting_factor",
    "text.usetex",
    "pdf.use14corefonts",
    "ps.useafm",
    "mathtext.fontset",
    "font.sans-serif",
    "font.serif",
    "font.monospace",
)
# Enough for every distinct text of a large pack; cleared when full.
_MAX_ENTRIES = 200_000

_lock = threading.Lock()
_depth = 0
_original: Callable[..., Any] | None = None
_cache: dict[tuple[object, ...], tuple[Any, list[Any], Any]] = {}


def _rc_key() -> tuple[object, ...]:
    import matplotlib as mpl

    rc: Any = mpl.rcParams
    return tuple(tuple(v) if isinstance(v, list) else v for v in (rc[k] for k in _RC_KEYS))


def _renderer_key(renderer: object) -> tuple[object, ...]:
    # A MixedModeRenderer measures with the renderer it wraps (vector or raster).
    inner = getattr(renderer, "_renderer", None)
    return (type(renderer), type(inner), getattr(renderer, "dpi", None))


def _optional(text: Any, getter: str) -> object:
    get = getattr(text, getter, None)
    value = get() if get is not None else None
    return tuple(value) if isinstance(value, list) else value


def _cached_layout(self: Any, renderer: Any) -> tuple[Any, list[Any], Any]:
    """``Text._get_layout`` through the cache (same signature, same values)."""
    assert _original is not None
    if renderer is None or self.get_wrap():
        # Wrapped text depends on where it sits; leave it to matplotlib.
        return _original(self, renderer)
    figure = self.get_figure(root=True)
    key = (
        self.get_text(),
        tuple(self._fontproperties.__dict__.values()),
        self.get_usetex(),
        self.get_parse_math(),
        self._linespacing,
        self._multialignment,
        self._horizontalalignment,
        self._verticalalignment,
        self.get_rotation(),
        self.get_rotation_mode(),
        # Shaping settings of newer matplotlib (not read by its layout today).
        _optional(self, "get_fontfeatures"),
        _optional(self, "get_language"),
        None if figure is None else figure.dpi,
        _renderer_key(renderer),
        _rc_key(),
    )
    found = _cache.get(key)
    if found is None:
        found = _original(self, renderer)
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = found
    bbox, lines, corner = found
    # Callers get their own box and list, as from matplotlib.
    return bbox.frozen(), list(lines), corner


@contextmanager
def cached_text_layout() -> Iterator[None]:
    """Reuse text layouts across renderers and figures inside the ``with`` block.

    Re-entrant; the cache lives for the process (each worker of a pool has
    its own), so later figures reuse the layouts of earlier ones.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> fig = Figure(figsize=(2, 1))
    >>> label = fig.text(0.1, 0.5, "Sørhavna")
    >>> renderer = FigureCanvasAgg(fig).get_renderer()
    >>> plain = label.get_window_extent(renderer)
    >>> with cached_text_layout():
    ...     cached = label.get_window_extent(renderer)
    ...     again = label.get_window_extent(renderer)
    >>> bool((plain.get_points() == again.get_points()).all()), layout_cache_size() > 0
    (True, True)
    """
    global _depth, _original
    from matplotlib.text import Text

    from utenforskap.plot._glyphcache import cached_glyphs

    if not callable(getattr(Text, "_get_layout", None)):
        # A matplotlib without this method: nothing to cache, draw as it does.
        with cached_glyphs():
            yield
        return
    with _lock:
        if _depth == 0:
            _original = getattr(Text, "_get_layout")  # noqa: B009 (private: no stub)
            setattr(Text, "_get_layout", _cached_layout)  # noqa: B010
        _depth += 1
    try:
        with cached_glyphs():
            yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _original is not None:
                setattr(Text, "_get_layout", _original)  # noqa: B010
                _original = None


def layout_cache_size() -> int:
    """How many text layouts the process has cached.

    Returns
    -------
    int
        Entries in the cache.
    """
    return len(_cache)
