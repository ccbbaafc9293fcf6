"""Read JSON-stat 2.0 datasets and JSON-stat 1.x bundles into tidy observation frames."""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.io.cube import (
    Dimension,
    Naming,
    check_naming,
    check_status,
    cube_to_frame,
    translate_symbols,
)
from utenforskap.io.source import decode_bytes, read_bytes

__all__ = ["parse_json", "parse_jsonstat_dimensions", "read_jsonstat", "read_jsonstat_metadata"]

JsonSource = str | os.PathLike[str] | bytes | Mapping[str, Any]

_ROLES = ("time", "geo", "metric")
_KEPT = ("label", "source", "updated", "note", "href", "extension", "error")


def read_jsonstat(
    source: JsonSource,
    *,
    naming: Naming = "code",
    dataset: str | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Read a JSON-stat dataset into a tidy frame, one row per cell.

    Parameters
    ----------
    source
        A path, the document as ``bytes`` or ``str`` (text starting with ``{``),
        or the already parsed ``dict``.
    naming
        ``"code"``, ``"label"`` or ``"both"`` (codes in ``<dim>``, labels in
        ``<dim>_label``).
    dataset
        For a JSON-stat 1.x bundle (``{"name": {dataset}, ...}``), the dataset
        to read; by default the first.
    symbols
        The publisher's status symbols → the package's (``"."``, ``".."``,
        ``"..."``, ``":"``, ``"-"``), e.g. ``{"e": ""}`` for an agency's
        "estimate" flag on a present value. SSB's symbols are the package's.
    status_symbols
        Allowed status symbols after ``symbols``, SSB's by default; another
        symbol is a DataError. ``None`` keeps any text.

    Returns
    -------
    pandas.DataFrame
        One text column per dimension (named by dimension id), ``value``
        (float, NaN where missing) and ``status`` (``""`` where a value is
        present, else the agency's symbol). ``attrs`` holds ``label``,
        ``source``, ``updated``, ``note``, ``href`` and ``extension`` when the
        file has them; ``role`` (dict of lists); ``time``, ``geo`` and
        ``metric`` (the first dimension with that role, or None);
        ``unit`` and ``decimals`` (per content code of the metric dimension);
        ``dimension_labels``; ``dataset`` (bundle name) and ``file``.

    Raises
    ------
    DataError
        Invalid or truncated JSON, a missing or malformed ``id``, ``size``,
        ``dimension`` or ``category``, a value array whose length is not the
        product of ``size``, an index outside the cube, an unknown status.

    References
    ----------
    JSON-stat format, version 2.0, https://json-stat.org/format/ (and 1.x for bundles).

    Examples
    --------
    >>> from utenforskap.io import read_jsonstat
    >>> doc = {"version": "2.0", "class": "dataset", "id": ["Tid"], "size": [2],
    ...        "dimension": {"Tid": {"category": {"index": ["2023", "2024"]}}},
    ...        "value": [1.0, None], "status": {"1": ".."}}
    >>> read_jsonstat(doc)[["Tid", "value", "status"]].to_dict("list")
    {'Tid': ['2023', '2024'], 'value': [1.0, nan], 'status': ['', '..']}
    """
    check_naming(naming)
    document, name = _load(source)
    key, data = _pick_dataset(document, dataset, name)
    dims, roles = parse_jsonstat_dimensions(data, file=name)
    n = int(np.prod([d.size for d in dims], dtype=np.int64))
    if n > 0 and data.get("value") in ([], {}):
        raise DataError(
            "this is a metadata answer (empty 'value'): it lists the variables and "
            "their codes but holds no data",
            file=name,
            column="value",
            hint="read it with read_jsonstat_metadata(), or ask the /data endpoint",
        )
    values = _values(data.get("value"), n, name)
    status = translate_symbols(_status(data.get("status"), n, name), symbols)
    check_status(status, symbols=status_symbols, file=name)
    attrs = _attrs(data, dims, roles, name, key)
    return cube_to_frame(dims, values, status, naming=naming, attrs=attrs)


def read_jsonstat_metadata(source: JsonSource) -> pd.DataFrame:
    """Read the variables and value codes of a JSON-stat dataset or metadata answer.

    PxWebApi v2 answers ``/tables/<id>/metadata`` with a JSON-stat 2.0
    dataset whose ``value`` is empty; FHI's open API describes its tables the
    same way. This lists what can be asked for.

    Parameters
    ----------
    source
        A path, bytes, JSON text or parsed dict.

    Returns
    -------
    pandas.DataFrame
        One row per category: ``dimension`` (id), ``dimension_label``,
        ``position`` (0-based storage order), ``code``, ``label``, ``role``
        (``time``, ``geo``, ``metric`` or ``""``). ``attrs``: ``label``,
        ``updated``, ``source`` when given, and ``file``.

    Examples
    --------
    >>> doc = {"version": "2.0", "class": "dataset", "id": ["Tid"], "size": [2],
    ...        "role": {"time": ["Tid"]}, "value": [],
    ...        "dimension": {"Tid": {"label": "år", "category": {"index": ["2023", "2024"]}}}}
    >>> read_jsonstat_metadata(doc)[["dimension", "code", "role"]].values.tolist()
    [['Tid', '2023', 'time'], ['Tid', '2024', 'time']]
    """
    document, name = _load(source)
    _, data = _pick_dataset(document, None, name)
    dims, roles = parse_jsonstat_dimensions(data, file=name)
    role_of = {d: kind for kind, members in roles.items() for d in members}
    rows = [
        (dim.id, dim.label, position, code, label, role_of.get(dim.id, ""))
        for dim in dims
        for position, (code, label) in enumerate(zip(dim.codes, dim.labels, strict=True))
    ]
    out = pd.DataFrame(
        rows, columns=["dimension", "dimension_label", "position", "code", "label", "role"]
    )
    for column in ("dimension", "dimension_label", "code", "label", "role"):
        out[column] = out[column].astype(object)
    out.attrs.update({k: data[k] for k in ("label", "updated", "source") if k in data})
    out.attrs["file"] = name
    return out


def _load(source: JsonSource) -> tuple[Mapping[str, Any], str]:
    if isinstance(source, Mapping):
        return source, "<dict>"
    if isinstance(source, bytes):
        raw, name = source, "<bytes>"
    elif isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return parse_json(source, "<str>"), "<str>"
    elif isinstance(source, str | os.PathLike):
        name = str(source)
        raw = read_bytes(Path(source))
    else:
        raise TypeError(f"source must be a path, bytes, str or dict; not {type(source).__name__}")
    return parse_json(decode_bytes(raw, encoding="utf-8", file=name), name), name


def parse_json(text: str, name: str) -> Mapping[str, Any]:
    """Parse a JSON object, as a DataError naming the line and column when invalid.

    Parameters
    ----------
    text
        The JSON text.
    name
        The file or URL to name in errors.

    Returns
    -------
    dict
        The parsed object.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno} (character {exc.pos}): "
            f"{exc.msg}",
            file=name,
            row=exc.lineno,
            hint="expected a complete JSON-stat document; the file may be truncated",
        ) from None
    except RecursionError:
        raise DataError("JSON nested too deeply", file=name) from None
    if not isinstance(document, dict):
        raise DataError(
            f"expected a JSON object at the top level, found {type(document).__name__}",
            file=name,
        )
    return document


def _pick_dataset(
    document: Mapping[str, Any], dataset: str | None, name: str
) -> tuple[str | None, Mapping[str, Any]]:
    if "dimension" in document or document.get("class") == "dataset":
        return None, document
    if document.get("class") == "collection":
        raise DataError(
            "JSON-stat collections are not read; fetch each dataset they link to",
            file=name,
            column="class",
        )
    bundle = {k: v for k, v in document.items() if isinstance(v, dict) and "dimension" in v}
    if not bundle:
        raise DataError(
            "no dataset found: expected a JSON-stat 2.0 dataset (with 'dimension') "
            "or a 1.x bundle of them",
            file=name,
            column="dimension",
        )
    key = next(iter(bundle)) if dataset is None else dataset
    if key not in bundle:
        raise DataError(
            f"no dataset {key!r} in the bundle; it holds {sorted(bundle)}", file=name, value=key
        )
    return key, bundle[key]


def parse_jsonstat_dimensions(
    data: Mapping[str, Any], *, file: object | None = None
) -> tuple[list[Dimension], dict[str, list[str]]]:
    """Return the dimensions (in storage order) and roles of a JSON-stat dataset.

    Works on 2.0 datasets (``id``, ``size``, ``role`` at the top) and 1.x
    datasets (inside ``dimension``); SSB's ``/metadata`` answers have the same
    shape without ``value``.

    Parameters
    ----------
    data
        One parsed dataset.
    file
        The file to name in errors.

    Returns
    -------
    dimensions : list of Dimension
        Codes and labels per dimension; ``extra`` keeps the dimension's
        ``extension``, ``note`` and category ``unit``.
    roles : dict
        ``{"time": [...], "geo": [...], "metric": [...]}`` as far as given.
    """
    dimension = data.get("dimension")
    if not isinstance(dimension, dict):
        raise DataError("missing or malformed 'dimension' object", file=file, column="dimension")
    ids = data.get("id", dimension.get("id"))
    sizes = data.get("size", dimension.get("size"))
    role = data.get("role", dimension.get("role")) or {}
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise DataError("'id' must be a list of dimension ids", file=file, column="id", value=ids)
    if len(set(ids)) != len(ids) or {"value", "status"} & set(ids):
        raise DataError(
            "dimension ids must be unique and not 'value' or 'status'", file=file, value=ids
        )
    if (
        not isinstance(sizes, list)
        or len(sizes) != len(ids)
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes)
    ):
        raise DataError(
            f"'size' must be a list of {len(ids)} non-negative integers, one per id",
            file=file,
            column="size",
            value=sizes,
        )
    dims = [_dimension(i, dimension.get(i), s, file) for i, s in zip(ids, sizes, strict=True)]
    if not isinstance(role, dict):
        raise DataError("'role' must be an object", file=file, column="role", value=role)
    roles: dict[str, list[str]] = {}
    for kind, members in role.items():
        if not isinstance(members, list) or not all(m in ids for m in members):
            raise DataError(
                f"role {kind!r} must list dimension ids among {ids}",
                file=file,
                column="role",
                value=members,
            )
        roles[str(kind)] = [str(m) for m in members]
    return dims, roles


def _dimension(dim_id: str, spec: Any, size: int, file: object | None) -> Dimension:
    column = f"dimension.{dim_id}"
    if not isinstance(spec, dict) or not isinstance(spec.get("category"), dict):
        raise DataError(
            "missing dimension or its 'category' object", file=file, column=column, value=spec
        )
    category = spec["category"]
    index = category.get("index")
    labels = category.get("label")
    if labels is not None and not isinstance(labels, dict):
        raise DataError("'label' must be an object", file=file, column=column, value=labels)
    if index is None:
        # JSON-stat allows omitting index when the label object gives the order,
        # which in practice means a single category.
        if not labels:
            raise DataError("category has neither 'index' nor 'label'", file=file, column=column)
        codes = list(labels)
    elif isinstance(index, list):
        codes = index
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(isinstance(p, int) for p in positions) or sorted(positions) != list(
            range(len(positions))
        ):
            raise DataError(
                f"category index positions must be 0..{len(positions) - 1}, each once",
                file=file,
                column=column,
                value=positions,
            )
        codes = sorted(index, key=index.__getitem__)
    else:
        raise DataError(
            "category 'index' must be a list or an object", file=file, column=column, value=index
        )
    if not all(isinstance(c, str) for c in codes) or len(set(codes)) != len(codes):
        raise DataError("category codes must be unique text", file=file, column=column)
    if len(codes) != size:
        raise DataError(
            f"dimension has {len(codes)} categories but 'size' says {size}",
            file=file,
            column=column,
        )
    names = [labels.get(c, c) if labels else c for c in codes]
    if not all(isinstance(n, str) for n in names):
        raise DataError("category labels must be text", file=file, column=column)
    label = spec.get("label", dim_id)
    extra = {k: spec[k] for k in ("extension", "note", "link") if k in spec}
    if "unit" in category:
        extra["unit"] = category["unit"]
    return Dimension(
        id=dim_id,
        label=label if isinstance(label, str) else dim_id,
        codes=tuple(codes),
        labels=tuple(names),
        extra=extra,
    )


def _positions(keys: list[str], n: int, file: str, column: str) -> np.ndarray:
    try:
        positions = np.fromiter(map(int, keys), dtype=np.int64, count=len(keys))
    except (ValueError, TypeError):
        bad = next(k for k in keys if not k.strip().lstrip("-").isdigit())
        raise DataError(
            "index key is not a cell number", file=file, column=column, value=bad
        ) from None
    outside = (positions < 0) | (positions >= n)
    if outside.any():
        position = int(np.flatnonzero(outside)[0])
        raise DataError(
            f"cell {keys[position]} is outside the cube of {n} cells (0..{n - 1})",
            file=file,
            column=column,
            value=keys[position],
        )
    return positions


def _values(value: Any, n: int, file: str) -> np.ndarray:
    if isinstance(value, dict):
        out = np.full(n, np.nan)
        keys = list(value)
        positions = _positions(keys, n, file, "value")
        out[positions] = _to_float(list(value.values()), file, keys)
        return out
    if not isinstance(value, list):
        raise DataError(
            "missing 'value': expected a list or an index → value object", file=file, column="value"
        )
    if len(value) != n:
        raise DataError(
            f"'value' has {len(value)} cells but the product of 'size' is {n}",
            file=file,
            column="value",
        )
    return _to_float(value, file, None)


def _to_float(items: list[Any], file: str, keys: list[str] | None) -> np.ndarray:
    try:
        out = np.asarray(items, dtype=float)
        if out.ndim == 1:
            return out
    except (TypeError, ValueError):
        pass
    series = pd.Series(items, dtype=object)
    numbers = pd.to_numeric(series.where(series.map(_scalar), "x"), errors="coerce")
    bad = numbers.isna().to_numpy() & series.notna().to_numpy()
    position = int(np.flatnonzero(bad)[0]) if bad.any() else 0
    raise DataError(
        f"cell {keys[position] if keys else position} is not a number or null",
        file=file,
        column="value",
        row=keys[position] if keys else position,
        value=items[position],
    )


def _scalar(item: Any) -> bool:
    return isinstance(item, int | float | str) and not isinstance(item, bool)


def _status(status: Any, n: int, file: str) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    if status is None:
        return out
    if isinstance(status, str):
        out.fill(status)
        return out
    if isinstance(status, dict):
        keys = list(status)
        out[_positions(keys, n, file, "status")] = _objects(status.values(), len(keys))
        return out
    if isinstance(status, list):
        if len(status) == 1:
            out.fill("" if status[0] is None else status[0])
            return out
        if len(status) != n:
            raise DataError(
                f"'status' has {len(status)} cells but the product of 'size' is {n}",
                file=file,
                column="status",
            )
        return _objects(status, n)
    raise DataError(
        "'status' must be a text, a list or an index → symbol object",
        file=file,
        column="status",
        value=status,
    )


def _objects(items: Any, n: int) -> np.ndarray:
    arr = np.fromiter(items, dtype=object, count=n)
    arr[pd.isna(arr)] = ""
    return arr


def _attrs(
    data: Mapping[str, Any],
    dims: list[Dimension],
    roles: dict[str, list[str]],
    file: str,
    dataset: str | None,
) -> dict[str, Any]:
    attrs: dict[str, Any] = {k: data[k] for k in _KEPT if k in data}
    attrs["file"] = file
    attrs["dataset"] = dataset
    attrs["role"] = roles
    for kind in _ROLES:
        attrs[kind] = roles[kind][0] if roles.get(kind) else None
    attrs["dimension_labels"] = {d.id: d.label for d in dims}
    unit: dict[str, Any] = {}
    decimals: dict[str, Any] = {}
    metric = [d for d in dims if d.id in roles.get("metric", [])] or [
        d for d in dims if "unit" in d.extra
    ]
    for dim in metric:
        units = dim.extra.get("unit")
        if isinstance(units, dict):
            for code, spec in units.items():
                unit[code] = spec
                if isinstance(spec, dict) and "decimals" in spec:
                    decimals[code] = spec["decimals"]
    attrs["unit"] = unit
    attrs["decimals"] = decimals
    return attrs
