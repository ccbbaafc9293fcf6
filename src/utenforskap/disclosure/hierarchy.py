"""Additive hierarchies of a table (region, sex, age) as parent-plus-children groups."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError
from utenforskap.geo.codes import parent_code

__all__ = [
    "SUB_MUNICIPAL_LENGTHS",
    "Group",
    "KeyIndex",
    "age_parents",
    "build_groups",
    "code_index",
    "region_parents",
]

#: Sub-municipal code lengths whose parent is the kommune (bydel, grunnkrets, levekårssone).
SUB_MUNICIPAL_LENGTHS: tuple[int, ...] = (6, 8, 10)
_CHILD_SEXES = ("male", "female")
_TOTAL_SEX = "total"


@dataclass(frozen=True)
class Group:
    """Membership of rows in the additive groups of one hierarchy.

    Attributes
    ----------
    name
        ``region``, ``sex`` or ``age``.
    row
        Row position of each membership (a row appears once per group it is in).
    group
        Group number of each membership, ``0 … n_groups − 1``.
    n_groups
        Number of groups; each has a parent and at least one child.
    """

    name: str
    row: np.ndarray
    group: np.ndarray
    n_groups: int


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


def _groups(name: str, child: np.ndarray, parent: np.ndarray, split: np.ndarray) -> Group:
    """Group children by (parent row, split); the parent joins each of its groups."""
    keep = parent >= 0
    child, parent, split = child[keep], parent[keep], split[keep]
    codes, uniques = pd.factorize(parent * 16 + split, sort=True)
    n_groups = len(uniques)
    parent_of_group = np.asarray(uniques, dtype=np.int64) // 16
    row = np.concatenate([child, parent_of_group]).astype(np.int64)
    group = np.concatenate([codes, np.arange(n_groups)]).astype(np.int64)
    return Group(name, row, group, n_groups)


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


def build_groups(index: KeyIndex) -> list[Group]:
    """The additive groups of a table along each hierarchy.

    * region: a kommune and its sub-municipal rows of one level (bydeler,
      grunnkretser or levekårssoner, including the unknown-district row
      ``xxxx99``);
    * sex: ``total`` and ``male`` / ``female``;
    * age: a band and the bands that partition it.

    Each group is within one indicator × period × (the other two dimensions),
    and needs its parent row in the table. A group is kept when only some
    children are present: treating it as additive can only hide more.

    Parameters
    ----------
    index
        Key codes of the table.

    Returns
    -------
    list of Group
        One per hierarchy, in the order region, sex, age.
    """
    n = len(index.key)
    rows = np.arange(n, dtype=np.int64)
    groups = []

    parent_row, lengths = region_parents(index)
    groups.append(_groups("region", rows, parent_row, lengths))

    sex_uniques = index.uniques[F.SEX]
    total = code_index(sex_uniques, np.array([_TOTAL_SEX], dtype=object))[0]
    is_child_sex = np.isin(sex_uniques, _CHILD_SEXES)[index.codes[F.SEX]]
    if total >= 0:
        sex_parent = index.lookup(sex=np.full(n, total, dtype=np.int64))
    else:
        sex_parent = np.full(n, -1, dtype=np.int64)
    sex_parent = np.where(is_child_sex, sex_parent, -1)
    groups.append(_groups("sex", rows, sex_parent, np.zeros(n, dtype=np.int64)))

    ind = index.codes[F.INDICATOR]
    age = index.codes[F.AGE]
    age_uniques = index.uniques[F.AGE]
    n_age = max(len(age_uniques), 1)
    table = np.full((max(len(index.uniques[F.INDICATOR]), 1), n_age), -1, dtype=np.int64)
    pairs = np.unique(ind * n_age + age)
    for i in np.unique(pairs // n_age):
        present = [str(age_uniques[a]) for a in pairs[pairs // n_age == i] % n_age]
        for child, parent in age_parents(present).items():
            table[i, code_index(age_uniques, np.array([child], dtype=object))[0]] = code_index(
                age_uniques, np.array([parent], dtype=object)
            )[0]
    age_parent_code = table[ind, age] if n else np.zeros(0, dtype=np.int64)
    age_parent = index.lookup(age=age_parent_code)
    groups.append(_groups("age", rows, age_parent, np.zeros(n, dtype=np.int64)))
    return groups
