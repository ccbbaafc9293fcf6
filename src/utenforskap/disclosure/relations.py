"""Every additive relation among the cells of a table, as one sparse matrix (issue #12).

A relation says *total − sum(parts) = 0*, for numerators and denominators
alike. Where the parts a table holds need not add up to the total (districts
without an unknown-district row, male and female without an unknown sex, some
single years of a pooled span, some kommuner of a fylke), the rest is a
**virtual residual** cell: not a row of the table, its counts the total minus
the parts. Disclosure control protects a virtual residual like a cell (it is
never published, but it can be worked out), and an attacker audit uses the same
equations.

Relation kinds:

========  ======================================================  =====================
kind      total = parts (+ residual)                               residual
========  ======================================================  =====================
region    kommune = its districts of one level                     the unknown-district
                                                                    row ``xxxx99`` (or
                                                                    virtual)
bydel     bydel = its grunnkretser or levekårssoner (the first      virtual ``bydel+99…``
          six digits of their code are the bydel)
sex       ``total`` = ``male`` + ``female``                         the ``unknown`` sex row
                                                                    (or virtual)
group     ``total`` group = the parts of the breakdown              the ``unknown`` group
          (a declared union, :data:`GROUP_UNIONS`, = its parts)     row (or virtual)
age       a band = the bands that partition it                     virtual (missing bands)
period    a pooled span = its single years                         virtual (missing years)
fylke     fylke = its kommuner                                     virtual ``fylke+99``
country   ``0`` = the fylker                                       virtual ``99``
========  ======================================================  =====================

Every relation lies within one value of the other key columns (a sex relation
within one indicator × region × period × age × group).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.disclosure.hierarchy import (
    SUB_MUNICIPAL_LENGTHS,
    KeyIndex,
    age_parents,
    code_index,
)
from utenforskap.errors import DataError
from utenforskap.geo.codes import is_unknown_district, parent_code
from utenforskap.periods import parse_period

__all__ = [
    "GROUP_UNIONS",
    "KINDS",
    "VIRTUAL",
    "Relations",
    "blocks",
    "cell_positions",
    "relations",
]

#: Relation kinds, in the order they are built.
KINDS: tuple[str, ...] = ("region", "bydel", "sex", "group", "age", "period", "fylke", "country")

#: Column of :attr:`Relations.cells` that marks virtual residual cells.
VIRTUAL = "virtual"

#: The sex and group label of the "not known" part (:data:`utenforskap.frames.SEXES`,
#: :data:`utenforskap.microdata.UNKNOWN_GROUP`).
UNKNOWN = "unknown"

#: Group labels that are unions of other labels: label → (its parts, whether the
#: parts are all of it). When a table holds the union and some of its parts, the
#: parts add up to the union (plus a virtual residual when not exhaustive) and the
#: union, not its parts, is a part of the ``total`` group.
GROUP_UNIONS: Mapping[str, tuple[tuple[str, ...], bool]] = MappingProxyType(
    {
        "immigrants_and_descendants": (("immigrants", "norwegian_born_to_immigrant_parents"), True),
        "population_except_immigrants": (
            ("norwegian_born_to_immigrant_parents", "rest_of_population"),
            False,
        ),
    }
)

_SPLIT = 16  # relations of one total are told apart by a split code below this
_MAX_SPAN = 60  # longest pooled span (years) linked to its single years

_Keys = dict[str, np.ndarray]
#: (parent rows, split codes, OR of the parts' bits) per relation → key columns to replace.
ResidualKeys = Callable[[np.ndarray, np.ndarray, np.ndarray], _Keys]


@dataclass(frozen=True)
class Relations:
    """The additive relations of a table.

    Attributes
    ----------
    cells
        One row per cell: positions ``0 … len(frame) − 1`` are the frame's
        rows in order, then the virtual residual cells. Columns: the key
        columns (:data:`utenforskap.frames.KEY_COLUMNS`), ``numerator``,
        ``denominator`` (for a virtual cell: its total minus its parts, NaN when
        any of them is NaN) and ``virtual`` (bool).
    matrix
        ``(n_relations, n_cells)``, +1 for the total and −1 for each part: each
        row says total − sum(parts) = 0, for numerators and denominators alike.
    kind
        The kind of each relation (:data:`KINDS`).
    """

    cells: pd.DataFrame
    matrix: sp.csr_matrix
    kind: np.ndarray


@dataclass(frozen=True)
class _Links:
    """Memberships of parts in the relations of one kind (one entry per part)."""

    kind: str
    parent: np.ndarray
    child: np.ndarray
    split: np.ndarray
    residual: ResidualKeys | None
    closes: np.ndarray | None = None  # this part makes the relation exact (no residual)
    expected: np.ndarray | None = None  # parts that make the relation exact by count (0: never)
    bits: np.ndarray | None = None  # a bit per part, ORed per relation for the residual's key


@dataclass(frozen=True)
class Built:
    """Relations as arrays, without key labels (what :func:`suppress` needs).

    Attributes
    ----------
    n_rows
        Rows of the table (the first cells).
    matrix
        As :attr:`Relations.matrix`.
    kind
        As :attr:`Relations.kind`.
    numerator, denominator
        Of every cell, rows then virtual cells.
    virtual_parent
        Row of the total each virtual cell is the residual of.
    virtual_order
        A key-order tie-break among the virtual cells of one total (kind, then split).
    virtual_keys
        Per kind, the rows of ``virtual_*`` it made and the key columns to replace.
    """

    n_rows: int
    matrix: sp.csr_matrix
    kind: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    virtual_parent: np.ndarray
    virtual_order: np.ndarray
    virtual_keys: list[tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=list)

    @property
    def n_cells(self) -> int:
        """Rows plus virtual cells."""
        return int(self.matrix.shape[1])


def _region_values(index: KeyIndex, rows: np.ndarray) -> pd.Series:
    return pd.Series(index.uniques[F.REGION][index.codes[F.REGION][rows]], dtype=object).astype(str)


def _region_links(index: KeyIndex) -> list[_Links]:
    """Districts → kommune (per level), grunnkrets / levekårssone → bydel, kommune → fylke → 0."""
    uniques = pd.Series(index.uniques[F.REGION], dtype=object).astype(str)
    lengths = uniques.str.len().to_numpy(dtype=np.int64)
    codes = index.codes[F.REGION]
    n = len(codes)
    rows = np.arange(n, dtype=np.int64)
    unknown = (
        is_unknown_district(uniques.to_numpy(dtype=object)) if len(uniques) else np.zeros(0, bool)
    )
    region_uniques = index.uniques[F.REGION]

    def linked(parent_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        candidates = rows[parent_idx[codes] >= 0] if n else rows
        parent_row = index.lookup_at(candidates, region=parent_idx[codes[candidates]])
        keep = parent_row >= 0
        return candidates[keep], parent_row[keep]

    def nines(width: int) -> ResidualKeys:
        def keys(parents: np.ndarray, split: np.ndarray, _bits: np.ndarray) -> _Keys:
            base = _region_values(index, parents).to_numpy(dtype=object)
            pad = np.array(["9" * k for k in range(_SPLIT)], dtype=object)[split - width]
            return {F.REGION: (base + pad).astype(object)}

        return keys

    def fixed(suffix: str) -> ResidualKeys:
        def keys(parents: np.ndarray, _split: np.ndarray, _bits: np.ndarray) -> _Keys:
            base = _region_values(index, parents)
            if suffix == "99" and len(base) and (base == "0").all():
                return {F.REGION: np.full(len(base), "99", dtype=object)}
            return {F.REGION: (base + suffix).to_numpy(dtype=object)}

        return keys

    out = []
    sub = np.isin(lengths, SUB_MUNICIPAL_LENGTHS)
    kommune_idx = np.where(sub, code_index(region_uniques, parent_code(region_uniques)), -1)
    child, parent = linked(kommune_idx)
    out.append(
        _Links(
            "region",
            parent,
            child,
            lengths[codes[child]],
            nines(4),
            closes=unknown[codes[child]],
        )
    )

    inner = np.isin(lengths, (8, 10)) & ~unknown
    prefix = uniques.str[:6]
    bydel_code = np.where(inner & (prefix.str[4:6] != "99").to_numpy(dtype=bool), prefix, "")
    bydel_idx = np.where(
        bydel_code != "", code_index(region_uniques, bydel_code.astype(object)), -1
    )
    child, parent = linked(bydel_idx)
    out.append(_Links("bydel", parent, child, lengths[codes[child]], nines(6)))

    is_kommune = lengths == 4
    fylke_idx = np.where(is_kommune, code_index(region_uniques, parent_code(region_uniques)), -1)
    child, parent = linked(fylke_idx)
    out.append(_Links("fylke", parent, child, np.zeros(len(child), np.int64), fixed("99")))

    is_fylke = lengths == 2
    land_idx = np.where(is_fylke, code_index(region_uniques, parent_code(region_uniques)), -1)
    child, parent = linked(land_idx)
    out.append(_Links("country", parent, child, np.zeros(len(child), np.int64), fixed("99")))
    return out


def _label_links(
    index: KeyIndex,
    column: str,
    parent_code_of: np.ndarray,
    kind: str,
    residual: ResidualKeys | None,
    closes_code: np.ndarray | None = None,
    expected_of: np.ndarray | None = None,
) -> _Links:
    """Links along one key column, from a table of parent label code per (indicator, label)."""
    ind = index.codes[F.INDICATOR]
    lab = index.codes[column]
    n = len(lab)
    rows = np.arange(n, dtype=np.int64)
    wanted = parent_code_of[ind, lab] if n else np.zeros(0, np.int64)
    candidates = rows[wanted >= 0]
    parent = index.lookup_at(candidates, **{column: wanted[candidates]})
    keep = parent >= 0
    child = candidates[keep]
    closes = None if closes_code is None else closes_code[lab[child]]
    expected = None if expected_of is None else expected_of[ind[child], lab[child]]
    return _Links(
        kind, parent[keep], child, np.zeros(len(child), np.int64), residual, closes, expected
    )


def _replace(column: str, value: str) -> ResidualKeys:
    def keys(parents: np.ndarray, _split: np.ndarray, _bits: np.ndarray) -> _Keys:
        return {column: np.full(len(parents), value, dtype=object)}

    return keys


def _sex_links(index: KeyIndex) -> _Links:
    uniques = index.uniques[F.SEX]
    n_ind = max(len(index.uniques[F.INDICATOR]), 1)
    total = code_index(uniques, np.array(["total"], dtype=object))[0]
    table = np.full((n_ind, max(len(uniques), 1)), -1, dtype=np.int64)
    if total >= 0:
        table[:, np.isin(uniques, ("male", "female", UNKNOWN))] = total
    return _label_links(
        index, F.SEX, table, "sex", _replace(F.SEX, UNKNOWN), closes_code=uniques == UNKNOWN
    )


def _present_labels(index: KeyIndex, column: str) -> dict[int, list[str]]:
    """Labels of ``column`` present per indicator code."""
    ind = index.codes[F.INDICATOR]
    lab = index.codes[column]
    size = max(len(index.uniques[column]), 1)
    pairs = np.unique(ind * size + lab)
    uniques = index.uniques[column]
    return {
        int(i): [str(uniques[a]) for a in pairs[pairs // size == i] % size]
        for i in np.unique(pairs // size)
    }


def _group_links(index: KeyIndex) -> _Links:
    uniques = index.uniques[F.GROUP]
    n_ind = max(len(index.uniques[F.INDICATOR]), 1)
    size = max(len(uniques), 1)
    table = np.full((n_ind, size), -1, dtype=np.int64)
    expected = np.zeros((n_ind, size), dtype=np.int64)
    closes = np.zeros(size, dtype=bool)
    total = code_index(uniques, np.array([F.GROUP_TOTAL], dtype=object))[0]

    def code(label: str) -> int:
        return int(code_index(uniques, np.array([label], dtype=object))[0])

    for i, labels in _present_labels(index, F.GROUP).items():
        present = set(labels)
        in_union: set[str] = set()
        for union, (parts, exhaustive) in GROUP_UNIONS.items():
            inside = [p for p in parts if p in present and p not in in_union]
            if union not in present or not inside:
                continue
            for p in inside:
                table[i, code(p)] = code(union)
                expected[i, code(p)] = len(parts) if exhaustive else 0
            in_union.update(inside)
        if total < 0:
            continue
        for label in present - in_union - {F.GROUP_TOTAL}:
            table[i, code(label)] = total
    if total >= 0 and UNKNOWN in set(uniques.tolist()):
        closes[code(UNKNOWN)] = True
    labels_of = uniques

    def residual(parents: np.ndarray, _split: np.ndarray, _bits: np.ndarray) -> _Keys:
        parent_label = labels_of[index.codes[F.GROUP][parents]].astype(str)
        out = np.where(parent_label == F.GROUP_TOTAL, UNKNOWN, np.char.add(parent_label, "_other"))
        return {F.GROUP: out.astype(object)}

    links = _label_links(index, F.GROUP, table, "group", residual, expected_of=expected)
    # "unknown" closes only the relation of the total (not a union's)
    parent_label = index.codes[F.GROUP][links.parent] if len(links.parent) else links.parent
    closing = closes[index.codes[F.GROUP][links.child]] & (parent_label == total)
    return _Links(
        "group", links.parent, links.child, links.split, residual, closing, links.expected
    )


def _age_links(index: KeyIndex) -> _Links:
    """Bands → the band they partition; a virtual residual stands for the bands a cell lacks."""
    uniques = index.uniques[F.AGE]
    n_ind = max(len(index.uniques[F.INDICATOR]), 1)
    size = max(len(uniques), 1)
    table = np.full((n_ind, size), -1, dtype=np.int64)
    expected = np.zeros((n_ind, size), dtype=np.int64)
    bit = np.zeros((n_ind, size), dtype=np.int64)
    children: dict[tuple[int, int], list[str]] = {}  # (indicator, parent code) → bands

    def code(label: str) -> int:
        return int(code_index(uniques, np.array([label], dtype=object))[0])

    for i, labels in _present_labels(index, F.AGE).items():
        by_parent: dict[str, list[str]] = defaultdict(list)
        for child, parent in age_parents(labels).items():
            by_parent[parent].append(child)
        for parent, parts in by_parent.items():
            parts.sort(key=parse_band)
            children[(i, code(parent))] = parts
            for b, child in enumerate(parts):
                table[i, code(child)] = code(parent)
                expected[i, code(child)] = len(parts)
                bit[i, code(child)] = 1 << b
    links = _label_links(index, F.AGE, table, "age", None, expected_of=expected)
    ind_of_child = index.codes[F.INDICATOR][links.child]
    bits = bit[ind_of_child, index.codes[F.AGE][links.child]]

    def residual(parents: np.ndarray, _split: np.ndarray, have: np.ndarray) -> _Keys:
        key = (index.codes[F.INDICATOR][parents] * size + index.codes[F.AGE][parents]) * 64 + have
        combos, inverse = np.unique(key, return_inverse=True)
        names = []
        for value in combos:
            parts = children[(int(value // 64 // size), int(value // 64 % size))]
            names.append("+".join(p for b, p in enumerate(parts) if not int(value % 64) & (1 << b)))
        return {F.AGE: np.asarray(names, dtype=object)[inverse]}

    return _Links(
        "age",
        links.parent,
        links.child,
        links.split,
        residual,
        expected=links.expected,
        bits=bits,
    )


def _year_label(year: int, school: bool) -> str:
    return f"{year}/{(year + 1) % 100:02d}" if school else str(year)


def _period_links(index: KeyIndex) -> _Links:
    """Single years → the pooled spans that contain them (one membership per pair)."""
    uniques = index.uniques[F.PERIOD]
    codes = index.codes[F.PERIOD]
    parsed: dict[int, tuple[int, int, bool]] = {}
    for c, label in enumerate(uniques):
        try:
            p = parse_period(label)
        except DataError:
            continue
        parsed[c] = (p.first, p.last, p.school)
    pairs = []  # (year code, span code, bit, expected)
    for s, (first, last, school) in parsed.items():
        if first == last or last - first >= _MAX_SPAN:
            continue
        for y in range(first, last + 1):
            c = int(code_index(uniques, np.array([_year_label(y, school)], dtype=object))[0])
            if c >= 0:
                pairs.append((c, s, y - first, last - first + 1))
    parent_parts, child_parts, bit_parts, exp_parts = [], [], [], []
    if pairs:
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        for c, s, bit, expected in pairs:
            rows = order[bounds[c] : bounds[c + 1]]
            parent = index.lookup_at(rows, period=np.full(len(rows), s, dtype=np.int64))
            keep = parent >= 0
            child_parts.append(rows[keep])
            parent_parts.append(parent[keep])
            bit_parts.append(np.full(int(keep.sum()), 1 << bit, dtype=np.int64))
            exp_parts.append(np.full(int(keep.sum()), expected, dtype=np.int64))

    def cat(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    def residual(parents: np.ndarray, _split: np.ndarray, bits: np.ndarray) -> _Keys:
        span = codes[parents]
        labels = np.empty(len(parents), dtype=object)
        combo = span * (1 << _MAX_SPAN) + bits
        unique_combo, inverse = np.unique(combo, return_inverse=True)
        names = []
        for value in unique_combo:
            first, last, school = parsed[int(value // (1 << _MAX_SPAN))]
            have = int(value % (1 << _MAX_SPAN))
            names.append(
                "+".join(
                    _year_label(y, school)
                    for y in range(first, last + 1)
                    if not have & (1 << (y - first))
                )
            )
        labels[:] = np.asarray(names, dtype=object)[inverse] if len(names) else labels
        return {F.PERIOD: labels}

    child = cat(child_parts)
    return _Links(
        "period",
        cat(parent_parts),
        child,
        np.zeros(len(child), np.int64),
        residual,
        expected=cat(exp_parts),
        bits=cat(bit_parts),
    )


def _factorize(keys: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``0 … k − 1`` of non-negative int keys below ``bound``, and the sorted uniques."""
    seen = np.zeros(bound, dtype=bool)
    seen[keys] = True
    uniques = np.flatnonzero(seen).astype(np.int64)
    return np.searchsorted(uniques, keys).astype(np.int64), uniques


def build(index: KeyIndex, numerator: np.ndarray, denominator: np.ndarray) -> Built:
    """Every relation of a table as arrays (see :func:`relations`).

    Parameters
    ----------
    index
        Key codes of the table.
    numerator, denominator
        Counts per row (NaN when missing or hidden).

    Returns
    -------
    Built
        Matrix, kinds, counts of every cell and how to label the virtual cells.
    """
    n = len(index.key)
    region = _region_links(index)
    every = [
        region[0],
        region[1],
        _sex_links(index),
        _group_links(index),
        _age_links(index),
        _period_links(index),
        region[2],
        region[3],
    ]
    x = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    rel_rows, cell_cols, data, kinds = [], [], [], []
    vx, vd, vparent, vorder = [], [], [], []
    virtual_keys: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    n_rel = 0
    n_virtual = 0
    for links in every:
        if len(links.child) == 0:
            continue
        rel_codes, uniques = _factorize(links.parent * _SPLIT + links.split, n * _SPLIT)
        k = len(uniques)
        parent_of = uniques // _SPLIT
        split_of = uniques % _SPLIT
        parts = np.bincount(rel_codes, minlength=k)
        exact = np.zeros(k, dtype=bool)
        if links.residual is None:
            exact[:] = True
        if links.closes is not None:
            exact |= np.bincount(rel_codes, weights=links.closes.astype(float), minlength=k) > 0
        if links.expected is not None:
            want = np.zeros(k, dtype=np.int64)
            np.maximum.at(want, rel_codes, links.expected)
            exact |= (want > 0) & (parts >= want)
        with np.errstate(invalid="ignore"):
            sum_x = np.bincount(rel_codes, weights=x[links.child], minlength=k)
            sum_d = np.bincount(rel_codes, weights=d[links.child], minlength=k)
        need = np.flatnonzero(~exact)
        virtual_cells = n + n_virtual + np.arange(len(need), dtype=np.int64)
        if len(need) and links.residual is not None:
            bits = np.zeros(k, dtype=np.int64)
            if links.bits is not None:
                np.add.at(bits, rel_codes, links.bits)
            keys = links.residual(parent_of[need], split_of[need], bits[need])
            virtual_keys.append((np.arange(n_virtual, n_virtual + len(need)), keys))
            vx.append(x[parent_of[need]] - sum_x[need])
            vd.append(d[parent_of[need]] - sum_d[need])
            vparent.append(parent_of[need])
            vorder.append(KINDS.index(links.kind) * _SPLIT + split_of[need])
            n_virtual += len(need)
        rel_rows += [n_rel + np.arange(k), n_rel + rel_codes, n_rel + need]
        cell_cols += [parent_of, links.child, virtual_cells]
        data += [np.ones(k), -np.ones(len(rel_codes)), -np.ones(len(need))]
        kinds.append(np.full(k, links.kind, dtype=object))
        n_rel += k

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    matrix = sp.csr_matrix(
        (cat(data, float), (cat(rel_rows, np.int64), cat(cell_cols, np.int64))),
        shape=(n_rel, n + n_virtual),
    )
    return Built(
        n_rows=n,
        matrix=matrix,
        kind=cat(kinds, object),
        numerator=np.concatenate([x, cat(vx, float)]),
        denominator=np.concatenate([d, cat(vd, float)]),
        virtual_parent=cat(vparent, np.int64),
        virtual_order=cat(vorder, np.int64),
        virtual_keys=virtual_keys,
    )


def _check_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = F.with_group(frame)
    missing = [c for c in (*F.KEY_COLUMNS, F.NUMERATOR, F.DENOMINATOR) if c not in frame.columns]
    if missing:
        raise DataError("the table lacks a column relations need", column=missing[0])
    return frame


def _check_unique(frame: pd.DataFrame, index: KeyIndex) -> None:
    ordered = index.key[index.order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(same):
        position = int(index.order[same[0] + 1])
        raise DataError(
            "two rows have the same key; relations need one row per cell",
            column=F.REGION,
            row=frame.index[position],
            value=frame[F.REGION].iloc[position],
        )


def relations(frame: pd.DataFrame) -> Relations:
    """Every additive relation among the cells of a table.

    Parameters
    ----------
    frame
        An IndicatorFrame or CountFrame (the key columns, ``numerator`` and
        ``denominator``), also a published one whose hidden cells have NaN
        counts. A frame without ``group`` is the whole population.

    Returns
    -------
    Relations
        The cells (the frame's rows in order, then the virtual residual
        cells), the relation matrix and the kind of each relation; see the
        module notes for the kinds.

    Raises
    ------
    DataError
        A key or count column is missing, or two rows share a key.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"indicator": "neet", "region": "3203", "period": "2024",
    ...     "age": "16-25", "sex": ["total", "male", "female"],
    ...     "numerator": [68.0, 26.0, 40.0], "denominator": [485.0, 252.0, 225.0]})
    >>> rel = relations(frame)
    >>> row = rel.cells.iloc[3]
    >>> print(row["sex"], row["numerator"], row["denominator"], row["virtual"])
    unknown 2.0 8.0 True
    >>> rel.matrix.toarray().tolist(), rel.kind.tolist()
    ([[1.0, -1.0, -1.0, -1.0]], ['sex'])
    """
    frame = _check_frame(frame)
    index = KeyIndex(frame)
    _check_unique(frame, index)
    x = pd.to_numeric(frame[F.NUMERATOR], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    d = pd.to_numeric(frame[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    built = build(index, x, d)
    return Relations(cells_frame(frame, built), built.matrix, built.kind)


def cells_frame(frame: pd.DataFrame, built: Built) -> pd.DataFrame:
    """The :attr:`Relations.cells` table of a frame and its built relations."""
    n = built.n_rows
    n_virtual = built.n_cells - n
    columns: dict[str, np.ndarray] = {}
    for column in F.KEY_COLUMNS:
        values = frame[column].to_numpy(dtype=object)
        virtual = values[built.virtual_parent] if n_virtual else np.zeros(0, dtype=object)
        virtual = virtual.copy()
        for positions, keys in built.virtual_keys:
            if column in keys:
                virtual[positions] = keys[column]
        columns[column] = np.concatenate([values, virtual])
    out = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in columns.items()})
    out[F.NUMERATOR] = built.numerator
    out[F.DENOMINATOR] = built.denominator
    out[VIRTUAL] = np.arange(n + n_virtual) >= n
    return out


def blocks(rel: Relations) -> np.ndarray:
    """Connected components of the cells: cells linked, directly or not, by relations.

    Parameters
    ----------
    rel
        From :func:`relations`.

    Returns
    -------
    numpy.ndarray
        An int label per cell (``0 …``), equal for cells in one block; a cell
        in no relation is a block of its own. Blocks can be audited one by one.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"indicator": "neet", "region": ["3203", "3203", "0301"],
    ...     "period": ["2024", "2024", "2024"], "age": "16-25",
    ...     "sex": ["total", "male", "total"], "numerator": 1.0, "denominator": 9.0})
    >>> blocks(relations(frame)).tolist()
    [0, 0, 1, 0]
    """
    return _components(rel.matrix)


def cell_positions(cells: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    """Positions in ``cells`` of the cells ``wanted`` (matched on the key columns and ``virtual``).

    Parameters
    ----------
    cells
        :attr:`Relations.cells`.
    wanted
        Rows naming cells (key columns and ``virtual``); repeats and cells
        not in ``cells`` are ignored.

    Returns
    -------
    numpy.ndarray
        Positions (int64), in the order of ``wanted``'s first appearances.
    """
    keys = [*F.KEY_COLUMNS, VIRTUAL]
    table = cells[keys].copy()
    table["_position"] = np.arange(len(table))
    found = wanted[keys].drop_duplicates().merge(table, on=keys, how="inner")
    return found["_position"].to_numpy(dtype=np.int64)


def _components(matrix: sp.csr_matrix) -> np.ndarray:
    n_rel, n_cells = matrix.shape
    coo = matrix.tocoo()
    graph = sp.csr_matrix(
        (np.ones(len(coo.row)), (coo.col, n_cells + coo.row)),
        shape=(n_cells + n_rel, n_cells + n_rel),
    )
    _, labels = connected_components(graph, directed=False)
    _, out = np.unique(labels[:n_cells], return_inverse=True)
    return out.astype(np.int64)
