"""Key codes of a table and the parents along its hierarchies (region, age bands)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError
from utenforskap.geo.codes import parent_code

__all__ = [
    "SUB_MUNICIPAL_LENGTHS",
    "KeyIndex",
    "age_parents",
    "code_index",
    "region_parents",
]

#: Sub-municipal code lengths whose parent is the kommune (bydel, grunnkrets, levekårssone).
SUB_MUNICIPAL_LENGTHS: tuple[int, ...] = (6, 8, 10)


class KeyIndex:
    """Integer codes of the key columns and a lookup from key codes to row position.

    Parameters
    ----------
    frame
        A frame with the :data:`utenforskap.frames.KEY_COLUMNS`, unique keys.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.uniques: dict[str, np.ndarray] = {}
        for column in F.KEY_COLUMNS:
            codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), sort=True)
            self.codes[column] = codes.astype(np.int64)
            self.uniques[column] = np.asarray(uniques, dtype=object)
        self.sizes = [max(len(self.uniques[c]), 1) for c in F.KEY_COLUMNS]
        if float(np.prod(np.asarray(self.sizes, dtype=float))) >= 2.0**62:
            raise DataError("table has too many distinct keys to index", column="region")
        self.key = self.combine(self.codes)
        self._order = np.argsort(self.key, kind="stable")
        self._sorted = self.key[self._order]

    @property
    def order(self) -> np.ndarray:
        """Row positions in key order."""
        return self._order

    def combine(self, codes: dict[str, np.ndarray]) -> np.ndarray:
        """Combine per-column codes into one int64 key per row."""
        key = np.zeros(len(codes[F.KEY_COLUMNS[0]]), dtype=np.int64)
        for column, size in zip(F.KEY_COLUMNS, self.sizes, strict=True):
            key = key * size + codes[column]
        return key

    def lookup(self, **replace: np.ndarray) -> np.ndarray:
        """Row position of the key with some columns' codes replaced; −1 when absent.

        A replacement code of −1 means "no such value" and gives −1.
        """
        codes = {**self.codes, **replace}
        missing = np.zeros(len(self.key), dtype=bool)
        for column in replace:
            missing |= codes[column] < 0
        clean = {c: np.maximum(v, 0) for c, v in codes.items()}
        wanted = self.combine(clean)
        pos = np.searchsorted(self._sorted, wanted)
        pos_clipped = np.minimum(pos, len(self._sorted) - 1)
        found = (pos < len(self._sorted)) & (self._sorted[pos_clipped] == wanted) & ~missing
        return np.where(found, self._order[pos_clipped], -1)

    def lookup_at(self, rows: np.ndarray, **replace: np.ndarray) -> np.ndarray:
        """As :meth:`lookup`, for some rows only (``replace`` arrays aligned with ``rows``)."""
        missing = np.zeros(len(rows), dtype=bool)
        codes = {}
        for column in F.KEY_COLUMNS:
            if column in replace:
                missing |= replace[column] < 0
                codes[column] = np.maximum(replace[column], 0)
            else:
                codes[column] = self.codes[column][rows]
        wanted = self.combine(codes)
        pos = np.searchsorted(self._sorted, wanted)
        pos_clipped = np.minimum(pos, max(len(self._sorted) - 1, 0))
        found = (pos < len(self._sorted)) & (self._sorted[pos_clipped] == wanted) & ~missing
        return np.where(found, self._order[pos_clipped], -1)

    def rank(self) -> np.ndarray:
        """Position of each row in key order: a tie-break that ignores input row order."""
        rank = np.empty(len(self.key), dtype=np.int64)
        rank[self._order] = np.arange(len(self.key))
        return rank


def code_index(uniques: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted value among sorted uniques, −1 when absent."""
    if len(uniques) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(uniques, wanted)
    pos_clipped = np.minimum(pos, len(uniques) - 1)
    found = (pos < len(uniques)) & (uniques[pos_clipped] == wanted)
    return np.where(found, pos_clipped, -1).astype(np.int64)


def region_parents(index: KeyIndex) -> tuple[np.ndarray, np.ndarray]:
    """Kommune row of each sub-municipal row and the row's code length.

    Returns
    -------
    tuple of numpy.ndarray
        Parent row position (−1 for rows that are not sub-municipal or whose
        kommune row is absent) and code length per row.
    """
    uniques = index.uniques[F.REGION]
    lengths = pd.Series(uniques, dtype=object).astype(str).str.len().to_numpy(dtype=np.int64)
    sub = np.isin(lengths, SUB_MUNICIPAL_LENGTHS)
    parent_idx = np.where(sub, code_index(uniques, parent_code(uniques)), -1)
    codes = index.codes[F.REGION]
    parent_row = index.lookup(region=parent_idx[codes])
    return parent_row, lengths[codes]


def age_parents(labels: list[str]) -> dict[str, str]:
    """Map each age band to the band it is a part of.

    A band's parent is the smallest band among ``labels`` that contains it and
    is exactly partitioned by the largest bands inside it ("16-19" + "20-25" =
    "16-25"). Labels that are not age bands (school grades) have no parent.

    Parameters
    ----------
    labels
        Distinct age labels of one indicator.

    Returns
    -------
    dict
        Child label → parent label.

    Examples
    --------
    >>> age_parents(["16-25", "16-19", "20-25", "16-17", "18-19"])
    {'16-19': '16-25', '20-25': '16-25', '16-17': '16-19', '18-19': '16-19'}
    """
    bounds = {}
    for label in labels:
        try:
            bounds[label] = parse_band(label)
        except DataError:
            continue
    parent: dict[str, str] = {}
    width: dict[str, int] = {}
    for big, (lo, hi) in bounds.items():
        inside = [
            b
            for b, (blo, bhi) in bounds.items()
            if lo <= blo and bhi <= hi and (blo, bhi) != (lo, hi)
        ]
        largest = [
            b
            for b in inside
            if not any(
                bounds[o][0] <= bounds[b][0]
                and bounds[b][1] <= bounds[o][1]
                and bounds[o] != bounds[b]
                for o in inside
            )
        ]
        largest.sort(key=lambda b: bounds[b])
        edges = [bounds[b] for b in largest]
        covers = (
            bool(edges)
            and edges[0][0] == lo
            and edges[-1][1] == hi
            and all(a[1] + 1 == b[0] for a, b in itertools.pairwise(edges))
        )
        if not covers:
            continue
        for b in largest:
            if b not in parent or hi - lo < width[b]:
                parent[b] = big
                width[b] = hi - lo
    return parent
