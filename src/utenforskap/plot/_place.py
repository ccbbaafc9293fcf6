"""Point labels that never overlap: each label takes the nearest free spot around its point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

__all__ = ["LABEL_GID", "UNLABELLED_GID", "place_labels", "renderer_of"]

#: gid of point labels that :func:`place_labels` moves.
LABEL_GID = "point-label"
#: gid of the line listing labels no free spot was found for.
UNLABELLED_GID = "unlabelled"

# Offsets in points: the nearest ring first, right-above first within a ring.
_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
_RADII = (4.0, 9.0, 15.0, 24.0, 34.0, 46.0, 60.0, 76.0, 94.0)
_LEADER_FROM = 15.0
_PAD_PX = 1.5


def renderer_of(fig: Figure) -> RendererBase:
    """A renderer to measure text with (the figure's Agg canvas; one is attached if needed)."""
    get = getattr(fig.canvas, "get_renderer", None)
    if get is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        get = FigureCanvasAgg(fig).get_renderer
    return get()


def place_labels(ax: Axes, *, points_gid: str = "points", lang: str = "nb") -> list[str]:
    """Move point labels (gid ``point-label``) so that none overlaps another label or a point.

    Each label tries offsets around its point, nearest first (right-above
    first), and keeps the first whose text box lies inside the axes and
    clear of every label placed before it and of every point marker; labels
    set further off get a thin leader line; markers of unlabelled points are
    covered only when nothing else is free. A label with no free spot is
    hidden and listed in the axes' right-hand title ("Også utenfor grensene:
    …"). Run it again after the figure's layout changes (the figure-level
    functions do, after placing titles).

    Parameters
    ----------
    ax
        Axes holding the labels (``Annotation`` with ``xy`` at their point).
    points_gid
        gid of the scatter collection whose markers labels must not cover.
    lang
        Language of the list of labels without a spot.

    Returns
    -------
    list of str
        Texts of the labels that could not be placed.
    """
    from matplotlib.text import Annotation

    labels: list[Annotation] = [
        t for t in ax.texts if isinstance(t, Annotation) and t.get_gid() == LABEL_GID
    ]
    if not labels:
        return []
    fig = ax.get_figure(root=True)
    assert fig is not None
    renderer = renderer_of(fig)
    scale = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    inside = np.array([frame.x0, frame.y0, frame.x1, frame.y1])
    markers = np.zeros((0, 4))
    centres = np.zeros((0, 2))
    from matplotlib.collections import PathCollection

    for collection in ax.collections:
        if collection.get_gid() != points_gid or not isinstance(collection, PathCollection):
            continue
        offsets = np.asarray(collection.get_offsets(), dtype=np.float64)
        if not offsets.size:
            continue
        centres = ax.transData.transform(offsets)
        sizes = np.resize(np.asarray(collection.get_sizes(), dtype=np.float64), len(offsets))
        radius = np.sqrt(sizes) / 2.0 * scale + 0.5
        markers = np.column_stack(
            [
                centres[:, 0] - radius,
                centres[:, 1] - radius,
                centres[:, 0] + radius,
                centres[:, 1] + radius,
            ]
        )
    placed = np.zeros((0, 4))
    missed: list[int] = []
    anchors = np.array([ax.transData.transform(np.asarray(t.xy, dtype=float)) for t in labels])
    if len(centres):
        near = np.hypot(*(centres[:, None, :] - anchors[None, :, :]).T)  # labels × points
        # Markers of labelled points must stay clear; the others may be covered
        # when nothing else is free.
        labelled = (near < 0.5).any(axis=0)
        crowd = (near < 30.0 * scale).sum(axis=1)
    else:
        near = np.zeros((len(labels), 0))
        labelled = np.zeros(0, dtype=bool)
        crowd = np.zeros(len(labels), dtype=int)
    # The most crowded points first: they have the fewest free spots.
    for i in np.argsort(-crowd, kind="stable"):
        label = labels[int(i)]
        boxes, choices = _candidates(label, anchors[i], renderer, scale)
        away = near[i] > 0.5
        spot = _first_free(boxes, inside, placed, markers[away])
        if spot is None:
            spot = _first_free(boxes, inside, placed, markers[away & labelled])
        if spot is None:
            label.set_visible(False)
            missed.append(int(i))
            continue
        (dx, dy), (ha, va), ring = choices[spot]
        label.xyann = (dx, dy)
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        if label.arrow_patch is not None:
            label.arrow_patch.set_visible(bool(ring >= _LEADER_FROM))
        label.set_visible(True)
        placed = np.vstack([placed, boxes[spot]])
    from utenforskap.plot.labels import text, wrap

    names = [labels[i].get_text() for i in sorted(missed)]
    note = wrap(text("outside_unlabelled", lang, names=", ".join(names)), 60) if names else ""
    title = ax.set_title(note, loc="right", fontsize=7, fontweight="normal", style="italic")
    title.set_gid(UNLABELLED_GID)
    return names


_HA: dict[int, Literal["left", "center", "right"]] = {1: "left", -1: "right", 0: "center"}
_VA: dict[int, Literal["bottom", "center", "top"]] = {1: "bottom", -1: "top", 0: "center"}
_Choice = tuple[
    tuple[float, float],
    tuple[Literal["left", "center", "right"], Literal["bottom", "center", "top"]],
    float,
]


def _candidates(
    label: Annotation, anchor: np.ndarray, renderer: Any, scale: float
) -> tuple[np.ndarray, list[_Choice]]:
    """Every candidate text box (display pixels) around ``anchor``, nearest first."""
    from matplotlib.text import Text

    label.set_visible(True)
    label.update_positions(renderer)
    size = Text.get_window_extent(label, renderer)
    width, height = size.width, size.height
    boxes = []
    choices: list[_Choice] = []
    for radius in _RADII:
        for dx, dy in _DIRECTIONS:
            step = radius / np.sqrt(2.0) if dx and dy else radius
            ox, oy = dx * step, dy * step
            x = anchor[0] + ox * scale
            y = anchor[1] + oy * scale
            x0 = x if dx > 0 else x - width if dx < 0 else x - width / 2.0
            y0 = y if dy > 0 else y - height if dy < 0 else y - height / 2.0
            boxes.append((x0, y0, x0 + width, y0 + height))
            choices.append(((ox, oy), (_HA[dx], _VA[dy]), radius))
    return np.array(boxes), choices


def _first_free(
    boxes: np.ndarray, inside: np.ndarray, placed: np.ndarray, markers: np.ndarray
) -> int | None:
    """Index of the first box inside the axes, clear of placed labels and markers."""
    ok = (
        (boxes[:, 0] >= inside[0])
        & (boxes[:, 1] >= inside[1])
        & (boxes[:, 2] <= inside[2])
        & (boxes[:, 3] <= inside[3])
    )
    padded = boxes + np.array([-_PAD_PX, -_PAD_PX, _PAD_PX, _PAD_PX])
    for others, test in ((placed, padded), (markers, boxes)):
        if len(others):
            hit = (
                (test[:, None, 0] < others[None, :, 2])
                & (others[None, :, 0] < test[:, None, 2])
                & (test[:, None, 1] < others[None, :, 3])
                & (others[None, :, 1] < test[:, None, 3])
            ).any(axis=1)
            ok &= ~hit
    found = np.flatnonzero(ok)
    return int(found[0]) if found.size else None
