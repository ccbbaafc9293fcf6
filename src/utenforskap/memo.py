"""Results computed once per frame while a pack is drawn (the ``remembered`` block)."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd

__all__ = ["recall", "remembered"]

_T = TypeVar("_T")
# What ``remembered`` keeps: (function, id of the frame, arguments) →
# (the frame, the result, the warnings raised computing it). None: off.
_memo: dict[tuple[object, ...], tuple[pd.DataFrame, Any, tuple[Warning, ...]]] | None = None
_memo_depth = 0
# Enough for a pack's frames and names; cleared when full.
_MEMO_ENTRIES = 4096
_memo_lock = threading.Lock()


@contextmanager
def remembered() -> Iterator[None]:
    """Compute the overview cells and region names of each frame once inside the ``with`` block.

    A figure pack asks for the same barometer cells (the barometer, every
    district profile, their captions, the summary) and the same region names
    many times over one published frame, which nothing changes while the
    pack is drawn. Inside the block :func:`~utenforskap.select.barometer_cells` and
    :func:`~utenforskap.select.region_label` keep their results per frame (the very frame
    object, by identity) and arguments; a result is handed out as a copy,
    and the warnings raised computing it are raised again with it. Leaving
    the outermost block forgets everything. Re-entrant.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> from utenforskap.select import barometer_cells, widest_ages
    >>> frame = demo_indicators()
    >>> with remembered():
    ...     first = barometer_cells(frame, ages=widest_ages(frame))
    ...     again = barometer_cells(frame, ages=widest_ages(frame))
    >>> first.equals(again), first is again
    (True, False)
    """
    global _memo, _memo_depth
    with _memo_lock:
        if _memo_depth == 0:
            _memo = {}
        _memo_depth += 1
    try:
        yield
    finally:
        with _memo_lock:
            _memo_depth -= 1
            if _memo_depth == 0:
                _memo = None


def recall(frame: pd.DataFrame | None, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, or its result for the same frame and ``key`` inside :func:`remembered`."""
    memo = _memo
    if memo is None or frame is None:
        return compute()
    full = (id(frame), *key)
    found = memo.get(full)
    if found is None or found[0] is not frame:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = compute()
        raised = tuple(w.message for w in caught if isinstance(w.message, Warning))
        # The frame travels with its entry: its id stays its own.
        found = (frame, result, raised)
        if len(memo) >= _MEMO_ENTRIES:
            memo.clear()
        memo[full] = found
    for warning in found[2]:
        warnings.warn(warning, stacklevel=3)
    value: _T = found[1]
    # Callers may add columns to a frame: each gets its own copy.
    return value.copy() if isinstance(value, pd.DataFrame) else value
