"""Shape each text and render each glyph once per process: caches inside matplotlib's backends.

A figure pack draws every chart three times (PNG, SVG and the report's PDF
page) and the next chart draws the same tick labels, names and credit lines
again. Each backend shapes every string anew (HarfBuzz through libraqm),
and the PNG renders every glyph anew with FreeType, though the shaping of a
string depends only on the string, the font and its size, and a glyph's
bitmap only on the glyph, size, rotation and where it falls within a pixel.
:func:`cached_glyphs` keeps both for the process:

- **PNG (Agg)**: the shaped string per (string, font, size, dpi, hinting),
  and each glyph's bitmap per (glyph, size, dpi, rotation, subpixel
  offset), moved by whole pixels to where it is drawn — FreeType's bitmap of
  a glyph moved by whole pixels is the same bitmap, moved;
- **SVG (text as paths)** and **PDF**: the shaped string per (string, font),
  the SVG path of each glyph and the Type 3 program of each glyph; for the
  SVG also the ``<use>`` elements that place a string's glyphs (they depend
  only on the shaped glyphs and the depth of the element in the file).

The values kept are those matplotlib computes, so the files have the same
bytes with and without the caches (tests compare them). Each cache holds a
reference to the fonts it keys on, so a font's ``id`` is never reused while
a key names it; a forked process starts with empty caches, as it starts
with matplotlib's font cache empty (font objects read their files through
an open file, which processes must not share). Matplotlib versions without
the private functions replaced here are drawn as matplotlib draws them.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["cached_glyphs", "glyph_cache_size"]

# Cleared when full: enough for every distinct text and glyph of a large pack.
_MAX_ENTRIES = 200_000

_lock = threading.Lock()
_depth = 0
_saved: list[tuple[object, str, Any]] = []
_shaped: dict[tuple[object, ...], tuple[Any, ...]] = {}
_bitmaps: dict[tuple[object, ...], tuple[np.ndarray, int, int]] = {}
_paths: dict[tuple[object, ...], Any] = {}


def _forget() -> None:
    """Empty the caches (they hold fonts, which a forked process must not share).

    matplotlib reads a font's file through its own open file: a forked
    process reading through its parent's font object moves the file offset
    of every process that shares it, and glyphs come back damaged
    ("invalid outline"). matplotlib empties its font cache in a forked
    process for that reason; these caches do the same.
    """
    for each in (_shaped, _bitmaps, _paths):
        each.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _MAX_ENTRIES:
        # All together: the fonts kept in one cache keep the ids of another's keys.
        for each in (_shaped, _bitmaps, _paths):
            each.clear()
    cache[key] = value


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _text_options(mtext: Any) -> tuple[object, object]:
    if mtext is None:
        return None, None
    features = getattr(mtext, "get_fontfeatures", None)
    language = getattr(mtext, "get_language", None)
    return (
        _hashable(features()) if features is not None else None,
        _hashable(language()) if language is not None else None,
    )


def _agg_draw_text(
    self: Any,
    gc: Any,
    x: float,
    y: float,
    s: str,
    prop: Any,
    angle: float,
    ismath: bool | str = False,
    mtext: Any = None,
) -> None:
    """``RendererAgg.draw_text`` for plain text, with the shaping and glyph bitmaps cached.

    The arithmetic is matplotlib's own (``_draw_text_glyphs_and_boxes``),
    so every glyph lands on the same 1/64 pixel.
    """
    from matplotlib.backends import backend_agg
    from matplotlib.ft2font import RenderMode

    if ismath:
        _original("agg")(self, gc, x, y, s, prop, angle, ismath, mtext)
        return
    features, language = _text_options(mtext)
    flags = backend_agg.get_hinting_flag()
    size = prop.get_size_in_points()
    key = ("agg", s, tuple(prop.__dict__.values()), self.dpi, flags, features, language)
    shaped = _shaped.get(key)
    if shaped is None:
        font = self._prepare_font(prop)
        items = font._layout(s, flags=flags, features=features, language=language)
        shaped = (font, tuple((i.ft_object, i.glyph_index, i.x, i.y) for i in items))
        _remember(_shaped, key, shaped)
    cos = math.cos(math.radians(angle))
    sin = math.sin(math.radians(angle))
    matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[1, 0], [0, 1]]).round().astype(int)
    rotation = tuple(matrix.ravel().tolist())
    antialiased = gc.get_antialiased()
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    height = self.height
    for ft_object, glyph, dx, dy in shaped[1]:
        sx = round(0x40 * (x + dx * cos - dy * sin))
        sy = round(0x40 * (height - y + dx * sin + dy * cos))
        gkey = (id(ft_object), size, self.dpi, glyph, rotation, sx & 63, sy & 63, flags, mode)
        found = _bitmaps.get(gkey)
        if found is None:
            ft_object.set_size(size, self.dpi)
            ft_object._set_transform(matrix, [sx, sy])
            bitmap = ft_object._render_glyph(glyph, flags, mode)
            buffer = bitmap.buffer
            if not antialiased:
                buffer *= 0xFF
            found = (buffer, bitmap.left - (sx >> 6), bitmap.top - (sy >> 6))
            # The font travels with the key: its id stays its own.
            _remember(_bitmaps, gkey, found)
            _remember(_paths, ("font", id(ft_object)), ft_object)
        buffer, left, top = found
        self._renderer.draw_text_image(
            buffer, left + (sx >> 6), int(height) - (top + (sy >> 6)) + buffer.shape[0], 0, gc
        )


class _Shaped:
    """One shaped glyph, as ``_text_helpers.layout`` yields it (its fields only)."""

    __slots__ = ("char", "ft_object", "glyph_index", "prev_kern", "x", "y")

    def __init__(self, item: Any) -> None:
        self.ft_object = item.ft_object
        self.char = item.char
        self.glyph_index = item.glyph_index
        self.x = item.x
        self.y = item.y
        self.prev_kern = item.prev_kern


def _shaped_layout(
    original: Callable[..., Iterator[Any]],
) -> Callable[..., Iterator[Any]]:
    """``_text_helpers.layout`` for the PDF backend, cached per string, font and size."""

    def layout(
        string: str, font: Any, *, features: Any = None, language: Any = None
    ) -> Iterator[Any]:
        size = _pdf_size.value if hasattr(_pdf_size, "value") else None
        if size is None:
            return original(string, font, features=features, language=language)
        key = ("pdf", string, id(font), size, _hashable(features), _hashable(language))
        found = _shaped.get(key)
        if found is None:
            items = original(string, font, features=features, language=language)
            found = (font, tuple(_Shaped(item) for item in items))
            _remember(_shaped, key, found)
        return iter(found[1])

    return layout


# The size of the text the PDF renderer is drawing (the font's size is not
# readable from the font).
_pdf_size = threading.local()


def _pdf_draw_text(
    self: Any,
    gc: Any,
    x: float,
    y: float,
    s: str,
    prop: Any,
    angle: float,
    ismath: bool | str = False,
    mtext: Any = None,
) -> Any:
    """``RendererPdf.draw_text``, telling the cached layout the size being drawn."""
    _pdf_size.value = None if ismath else prop.get_size_in_points()
    try:
        return _original("pdf")(self, gc, x, y, s, prop, angle, ismath, mtext)
    finally:
        _pdf_size.value = None


def _glyphs_with_font(
    self: Any,
    font: Any,
    s: str,
    glyph_map: Any = None,
    return_new_glyphs_only: bool = False,
    *,
    features: Any = None,
    language: Any = None,
) -> tuple[list[tuple[str, float, float, float]], Any, list[Any]]:
    """``TextToPath.get_glyphs_with_font`` with the shaping and glyph paths cached.

    The text path's font is always at ``FONT_SCALE``: a string's glyphs and
    their paths depend on the string and the font alone.
    """
    from collections import OrderedDict

    from matplotlib.ft2font import LoadFlags

    if glyph_map is None:
        glyph_map = OrderedDict()
    glyph_map_new = OrderedDict() if return_new_glyphs_only else glyph_map
    key = ("path", s, id(font), self.FONT_SCALE, _hashable(features), _hashable(language))
    found = _shaped.get(key)
    if found is None:
        items = font._layout(s, LoadFlags.NO_HINTING, features=features, language=language)
        found = (
            font,
            tuple(
                (
                    self._get_glyph_repr(i.ft_object, i.glyph_index),
                    i.ft_object,
                    i.glyph_index,
                    i.x,
                    i.y,
                )
                for i in items
            ),
        )
        _remember(_shaped, key, found)
    info = []
    for glyph_repr, ft_object, glyph, gx, gy in found[1]:
        info.append((glyph_repr, gx, gy, 1.0))
        if glyph_repr not in glyph_map:
            pkey = ("glyph", id(ft_object), glyph, self.FONT_SCALE)
            path = _paths.get(pkey)
            if path is None:
                ft_object.load_glyph(glyph, flags=LoadFlags.NO_HINTING)
                path = ft_object.get_path()
                _remember(_paths, pkey, path)
                _remember(_paths, ("font", id(ft_object)), ft_object)
            glyph_map_new[glyph_repr] = path
    return info, glyph_map_new, []


def _svg_text_as_path(
    self: Any,
    gc: Any,
    x: float,
    y: float,
    s: str,
    prop: Any,
    angle: float,
    ismath: bool | str,
    mtext: Any = None,
) -> None:
    """``RendererSVG._draw_text_as_path`` for plain text, the glyphs' ``<use>`` markup cached.

    The group that places and scales the string is written as matplotlib
    writes it; the ``<use>`` elements inside it, one per glyph, are the same
    text for the same shaped glyphs at the same depth of the file, so they
    are written from the cache as one string (the bytes of
    ``_XMLWriter.element`` for each, attributes in its order, empty ones
    left out).
    """
    from matplotlib.backends import backend_svg
    from matplotlib.colors import rgb2hex

    writer = self.writer
    flush = getattr(writer, "_XMLWriter__flush", None)
    write = getattr(writer, "_XMLWriter__write", None)
    tags = getattr(writer, "_XMLWriter__tags", None)
    if ismath or flush is None or write is None or not isinstance(tags, list):
        _original("svg")(self, gc, x, y, s, prop, angle, ismath, mtext)
        return
    transform = backend_svg._generate_transform
    writer.comment(s)
    text2path = self._text2path
    color = rgb2hex(gc.get_rgb())
    fontsize = prop.get_size_in_points()
    features, language = (
        (mtext.get_fontfeatures(), mtext.get_language()) if mtext is not None else (None, None)
    )
    style = {}
    if color != "#000000":
        style["fill"] = color
    alpha = gc.get_alpha() if gc.get_forced_alpha() else gc.get_rgb()[3]
    if alpha != 1:
        style["opacity"] = backend_svg._short_float_fmt(alpha)
    font_scale = fontsize / text2path.FONT_SCALE
    writer.start(
        "g",
        style=backend_svg._generate_css(style),
        transform=transform(
            [("translate", (x, y)), ("rotate", (-angle,)), ("scale", (font_scale, -font_scale))]
        ),
    )
    font = text2path._get_font(prop)
    glyph_info, glyph_map_new, _ = text2path.get_glyphs_with_font(
        font,
        s,
        features=features,
        language=language,
        glyph_map=self._glyph_map,
        return_new_glyphs_only=True,
    )
    self._update_glyph_map_defs(glyph_map_new)
    if glyph_info:
        depth = len(tags)
        key = ("svg-use", depth, tuple(glyph_info))
        markup = _paths.get(key)
        if markup is None:
            indent = " " * depth
            parts = []
            for glyph_repr, gx, gy, scale in glyph_info:
                where = transform([("translate", (gx, gy)), ("scale", (scale,))])
                attributes = {"xlink:href": f"#{glyph_repr}", "transform": where}
                parts.append(
                    indent
                    + "<use"
                    + "".join(
                        f" {backend_svg._escape_cdata(k)}={backend_svg._quote_escape_attrib(v)}"
                        for k, v in attributes.items()
                        if v
                    )
                    + "/>\n"
                )
            markup = "".join(parts)
            _remember(_paths, key, markup)
        # What starting the first element writes: the group's start tag closed.
        flush()
        write(markup)
    writer.end("g")


def _charprocs(original: Callable[..., dict[str, bytes]]) -> Callable[..., dict[str, bytes]]:
    """``backend_pdf._get_pdf_charprocs`` with each glyph's program kept (a pure function)."""

    def charprocs(font_path: Any, glyph_indices: Any) -> dict[str, bytes]:
        procs: dict[str, bytes] = {}
        wanted = list(glyph_indices)
        for glyph in dict.fromkeys(wanted):
            if ("proc", font_path, glyph) not in _paths:
                # One glyph at a time: two glyphs may share a name.
                [(name, program)] = original(font_path, [glyph]).items()
                _remember(_paths, ("proc", font_path, glyph), (name, program))
        for glyph in wanted:
            name, program = _paths[("proc", font_path, glyph)]
            procs[name] = program
        return procs

    return charprocs


_originals: dict[str, Any] = {}


def _original(name: str) -> Any:
    return _originals[name]


def _targets() -> list[tuple[object, str, Any, str]]:
    """What is replaced: (owner, attribute, replacement, name); empty where not found."""
    from matplotlib import _text_helpers, textpath
    from matplotlib.backends import backend_agg, backend_pdf, backend_svg

    found: list[tuple[object, str, Any, str]] = []
    agg = backend_agg.RendererAgg
    ft2 = getattr(backend_agg, "get_hinting_flag", None)
    if ft2 is not None and callable(getattr(agg, "_prepare_font", None)):
        found.append((agg, "draw_text", _agg_draw_text, "agg"))
    layout = getattr(_text_helpers, "layout", None)
    if layout is not None and getattr(backend_pdf, "_text_helpers", None) is _text_helpers:
        found.append((backend_pdf.RendererPdf, "draw_text", _pdf_draw_text, "pdf"))
        shim = type("_CachedTextHelpers", (), {"layout": staticmethod(_shaped_layout(layout))})
        found.append((backend_pdf, "_text_helpers", shim, "pdf_helpers"))
    charprocs = getattr(backend_pdf, "_get_pdf_charprocs", None)
    if callable(charprocs):
        found.append((backend_pdf, "_get_pdf_charprocs", _charprocs(charprocs), "charprocs"))
    if callable(getattr(textpath.TextToPath, "_get_glyph_repr", None)):
        found.append((textpath.TextToPath, "get_glyphs_with_font", _glyphs_with_font, "path"))
        svg = backend_svg.RendererSVG
        helpers = ("_generate_transform", "_generate_css", "_short_float_fmt", "_escape_cdata")
        if callable(getattr(svg, "_draw_text_as_path", None)) and all(
            callable(getattr(backend_svg, name, None))
            for name in (*helpers, "_quote_escape_attrib")
        ):
            found.append((svg, "_draw_text_as_path", _svg_text_as_path, "svg"))
    return found


@contextmanager
def cached_glyphs() -> Iterator[None]:
    """Reuse shaped strings, glyph bitmaps and glyph paths inside the ``with`` block.

    Re-entrant; the caches live for the process (a forked process starts
    with its parent's), so later figures reuse what earlier ones shaped and
    rendered.

    Examples
    --------
    >>> import io
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), dpi=100)
    >>> _ = fig.text(0.1, 0.5, "Sørhavna")
    >>> plain = io.BytesIO()
    >>> fig.savefig(plain, format="raw")
    >>> with cached_glyphs():
    ...     cached = io.BytesIO()
    ...     fig.savefig(cached, format="raw")
    >>> plain.getvalue() == cached.getvalue(), glyph_cache_size() > 0
    (True, True)
    """
    global _depth
    with _lock:
        if _depth == 0:
            for owner, name, replacement, label in _targets():
                _originals[label] = getattr(owner, name)
                _saved.append((owner, name, _originals[label]))
                setattr(owner, name, replacement)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                while _saved:
                    owner, name, value = _saved.pop()
                    setattr(owner, name, value)


def glyph_cache_size() -> int:
    """How many shaped strings and glyph bitmaps the process has cached.

    Returns
    -------
    int
        Entries in the caches.
    """
    return len(_shaped) + len(_bitmaps)
