"""The pandas engine: microdata in memory → CountFrame, vectorised (for small tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap.microdata.common import (
    code_texts,
    duplicate_error,
    finish,
    row_error,
)
from utenforskap.microdata.sources import Source
from utenforskap.microdata.spec import Spec, is_number
from utenforskap.registry import Rule

__all__ = ["aggregate_pandas", "rule_arrays"]


def _load(source: Source, spec: Spec) -> pd.DataFrame:
    if source.kind == "csv":
        from utenforskap.microdata.files import read_microdata

        return read_microdata(source.path, columns=spec.columns)  # type: ignore[arg-type]
    if source.kind == "parquet":
        frame = pd.read_parquet(str(source.path), columns=list(spec.columns))
        frame.index = pd.RangeIndex(len(frame))
        return frame
    if source.kind == "arrow":
        frame = source.frame.select(list(spec.columns)).to_pandas()
        frame.index = pd.RangeIndex(len(frame))
        return frame
    return source.frame


def rule_arrays(rule: Rule, values: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-row numerator and denominator of a rule (the numpy twin of :func:`rule_sql`).

    Parameters
    ----------
    rule
        The rule.
    values
        Per item, the answers as floats, NaN where blank.

    Returns
    -------
    tuple of numpy.ndarray
        Numerator and denominator contributions (0 or 1) per row.
    """
    if rule.kind == "flag":
        v = values[0]
        return np.nan_to_num(v, nan=0.0), (~np.isnan(v)).astype(float)
    if rule.kind == "any_of":
        v = values[0]
        hit = np.isin(v, np.asarray(rule.values, dtype=float))
        return hit.astype(float), (~np.isnan(v)).astype(float)
    answers = np.column_stack(values)
    answered = (~np.isnan(answers)).sum(axis=1)
    total = np.nan_to_num(answers, nan=0.0).sum(axis=1)
    enough = answered >= rule.min_answered
    hit = enough & (total >= float(rule.threshold) * answered)
    return hit.astype(float), enough.astype(float)


def aggregate_pandas(source: Source, spec: Spec) -> pd.DataFrame:
    """Validate and count with pandas/NumPy; see :func:`utenforskap.aggregate`."""
    frame = _load(source, spec)
    if source.kind in ("csv", "parquet", "arrow"):
        # Rows are named by position from here on (the file's own line numbers).
        frame = frame.reset_index(drop=True)
    texts = {c: code_texts(frame[c], source, c) for c in spec.columns}
    factors = {c: pd.factorize(texts[c]) for c in spec.columns}
    for check in spec.checks:
        codes, uniques = factors[check.column]
        ok = np.fromiter((spec.valid(check, u) for u in uniques), dtype=bool, count=len(uniques))
        if not ok.all():
            position = int(np.flatnonzero(~ok[codes])[0])
            raw = frame[check.column].iloc[position]
            raise row_error(source, spec, check, position, texts[check.column][position], raw)
    if spec.id is not None:
        keys = pd.DataFrame({"p": factors[spec.period][0], "i": factors[spec.id][0]})
        duplicated = keys.duplicated(keep="first").to_numpy()
        if duplicated.any():
            position = int(np.flatnonzero(duplicated)[0])
            same = (keys["p"].to_numpy() == keys["p"].iat[position]) & (
                keys["i"].to_numpy() == keys["i"].iat[position]
            )
            first = int(np.flatnonzero(same)[0])
            raw = frame[spec.id].iloc[position]
            raise duplicate_error(source, spec, position, first, texts[spec.period][position], raw)
    values = []
    for item in spec.rule.items:
        codes, uniques = factors[item]
        recode = spec.recode.get(item)
        if recode is not None:
            uniques = np.array([recode.get(u, "#") for u in uniques], dtype=object)
        numbers = np.array([float(u) if is_number(u) else np.nan for u in uniques], dtype=float)
        values.append(numbers[codes])
    numerator, denominator = rule_arrays(spec.rule, values)
    age_codes, age_uniques = factors[spec.age]
    masks = np.array([_mask(spec, a) for a in age_uniques], dtype=np.int64)
    key_columns = [spec.region, spec.period, spec.sex]
    if spec.group is not None:
        key_columns.append(spec.group)
    fine = pd.DataFrame({f"k{i}": factors[c][0] for i, c in enumerate(key_columns)})
    fine["m"] = masks[age_codes]
    fine["numerator"] = numerator
    fine["denominator"] = denominator
    fine = fine.groupby([*fine.columns[: len(key_columns)], "m"], sort=False).sum().reset_index()

    def decode(i: int, column: str) -> np.ndarray:
        return np.asarray(factors[column][1], dtype=object)[fine[f"k{i}"].to_numpy()]

    sex_map = spec.sex_codes
    group_map = spec.group_codes or {}
    table = pd.DataFrame(
        {
            "region": decode(0, spec.region),
            "period": decode(1, spec.period),
            "m": fine["m"].to_numpy(),
            "sex": [sex_map[s] for s in decode(2, spec.sex)],
            "group": [group_map[g] for g in decode(3, spec.group)]
            if spec.group is not None
            else "total",
            "numerator": fine["numerator"].to_numpy(),
            "denominator": fine["denominator"].to_numpy(),
        }
    )
    return finish(_grouping_sets(table, spec), spec)


def _mask(spec: Spec, text: str) -> int:
    """The age bands a value falls in, as a bit mask (the twin of ``Compiled.mask``)."""
    mask = 0
    for j, band in enumerate(spec.bands):
        if band in spec.code_bands:
            member = text in spec.code_bands[band]
        else:
            low, high = spec.number_bands[band]
            member = is_number(text) and low <= float(text) <= high
        if member:
            mask |= 1 << j
    return mask


def _grouping_sets(table: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Every band × (sex and total) × (group and total), one group-by per grouping set."""
    masks = table["m"].to_numpy()
    pieces = [table[(masks & (1 << j)) != 0].assign(band=band) for j, band in enumerate(spec.bands)]
    banded = pd.concat(pieces, ignore_index=True)
    sets = [["sex"]] if spec.group is None else [["sex", "group"], ["group"], ["sex"]]
    sets.append([])
    cells = []
    for keys in sets:
        summed = (
            banded.groupby(["region", "period", "band", *keys], sort=False)[
                ["numerator", "denominator"]
            ]
            .sum()
            .reset_index()
        )
        for column in ("sex", "group"):
            if column not in keys:
                summed[column] = "total"
        cells.append(summed)
    return pd.concat(cells, ignore_index=True)
