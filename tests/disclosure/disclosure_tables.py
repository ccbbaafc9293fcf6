"""Builders of small IndicatorFrames and an independent checker for the disclosure tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import Rules

AGE_TOTAL = "16-25"
AGE_PARTS = ("16-19", "20-25")
SEX_PARTS = ("male", "female")
#: Cell keys of these tables (every cell is in group "total").
KEYS = (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX)


def indicator_frame(cells: Iterable[tuple[str, str, str, str, str, float, float]]) -> pd.DataFrame:
    """IndicatorFrame from (indicator, region, period, age, sex, numerator, denominator)."""
    rows = list(cells)
    frame = pd.DataFrame(
        rows, columns=[F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.NUMERATOR, F.DENOMINATOR]
    ).astype({c: object for c in (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX)})
    frame[F.REGION_NAME] = pd.Series([""] * len(frame), dtype=object)
    frame[F.GROUP] = pd.Series([F.GROUP_TOTAL] * len(frame), dtype=object)
    frame[F.STATUS] = pd.Series([""] * len(frame), dtype=object)
    x = frame[F.NUMERATOR].to_numpy(dtype=float)
    n = frame[F.DENOMINATOR].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = x / n * 100
    frame[F.VALUE] = value
    frame[F.CI_LOWER] = value
    frame[F.CI_UPPER] = value
    frame[F.CI_LEVEL] = 0.95
    frame[F.CI_METHOD] = pd.Series(["wilson"] * len(frame), dtype=object)
    frame[F.REFERENCE] = pd.Series([""] * len(frame), dtype=object)
    frame[F.REFERENCE_VALUE] = np.nan
    frame[F.COMPARISON] = pd.Series(["not_tested"] * len(frame), dtype=object)
    frame[F.P_VALUE] = np.nan
    frame[F.SUPPRESSED] = False
    frame[F.SUPPRESSION_REASON] = pd.Series([""] * len(frame), dtype=object)
    return frame[list(F.INDICATOR_COLUMNS)]


def with_totals(
    leaves: dict[tuple[str, str, str, str, str], tuple[int, int]],
) -> list[tuple[str, str, str, str, str, float, float]]:
    """Add kommune, sex-total and age-total cells to leaf cells by summing counts.

    Leaves are keyed (indicator, district, period, age part, sex part).
    """
    totals: dict[tuple[str, str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (ind, region, period, age, sex), (x, n) in leaves.items():
        for r in (region, region[:4]):
            for a in (age, AGE_TOTAL):
                for s in (sex, "total"):
                    cell = totals[(ind, r, period, a, s)]
                    cell[0] += x
                    cell[1] += n
    return [(*key, x, n) for key, (x, n) in sorted(totals.items())]


def reference_primary(frame: pd.DataFrame, rules: Rules) -> list[str]:
    """The primary rules of docs/disclosure.md written out cell by cell ("" when none acts)."""
    out = []
    for x, n in zip(frame[F.NUMERATOR].tolist(), frame[F.DENOMINATOR].tolist(), strict=True):
        if np.isnan(x) or np.isnan(n):
            out.append("")
        elif x < rules.min_count and (x > 0 or rules.protect_zeros):
            out.append("primary")
        elif n - x < rules.min_count:
            out.append("complement")
        elif n < rules.min_denominator:
            out.append("denominator")
        else:
            out.append("")
    return out


def plain_relations(frame: pd.DataFrame) -> list[list[tuple[int | None, int, float, float]]]:
    """Every relation of these tables, written out plainly: members (row or None, sign, x, n).

    Independent of :mod:`utenforskap.disclosure.relations`: districts of one
    code length under their kommune (the unknown district row ``…99`` makes the
    relation exact, else a residual), male + female under total, 16-19 + 20-25
    under 16-25, single years under a pooled span; a residual (row None) is the
    total minus the parts present.
    """
    keys = list(frame[list(KEYS)].itertuples(index=False, name=None))
    position = {k: i for i, k in enumerate(keys)}
    x = frame[F.NUMERATOR].tolist()
    n = frame[F.DENOMINATOR].tolist()
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    exact: dict[tuple[object, ...], bool] = defaultdict(bool)
    for i, (ind, region, period, age, sex) in enumerate(keys):
        if len(region) in (6, 8, 10):
            parent = position.get((ind, region[:4], period, age, sex))
            if parent is not None:
                groups[("region", parent, len(region))].append(i)
                exact[("region", parent, len(region))] |= set(region[4:]) == {"9"}
        if sex in SEX_PARTS:
            parent = position.get((ind, region, period, age, "total"))
            if parent is not None:
                groups[("sex", parent)].append(i)
        if age in AGE_PARTS:
            parent = position.get((ind, region, period, AGE_TOTAL, sex))
            if parent is not None:
                groups[("age", parent)].append(i)
                exact[("age", parent)] = len(groups[("age", parent)]) == len(AGE_PARTS)
    for i, (ind, region, period, age, sex) in enumerate(keys):
        if "-" not in period:
            continue
        first, last = (int(p) for p in period.split("-"))
        years = [position.get((ind, region, str(y), age, sex)) for y in range(first, last + 1)]
        present = [y for y in years if y is not None]
        if present:
            groups[("period", i)] = present
            exact[("period", i)] = len(present) == len(years)
    out = []
    for key, parts in groups.items():
        parent = int(key[1])  # type: ignore[call-overload]
        members: list[tuple[int | None, int, float, float]] = [(parent, 1, x[parent], n[parent])]
        members += [(i, -1, x[i], n[i]) for i in parts]
        if not exact[key]:
            rx = x[parent] - sum(x[i] for i in parts)
            rn = n[parent] - sum(n[i] for i in parts)
            members.append((None, -1, rx, rn))
        out.append(members)
    return out


def _virtual_hidden(x: float, n: float, rules: Rules) -> bool:
    """A residual that breaks a rule (and so is hidden), as docs/disclosure.md says."""
    judged = not (np.isnan(x) or np.isnan(n)) and x >= 0 and n > 0 and n >= x
    return judged and bool(
        (x < rules.min_count and (x > 0 or rules.protect_zeros))
        or n - x < rules.min_count
        or n < rules.min_denominator
    )


def single_unknown(original: pd.DataFrame, out: pd.DataFrame, rules: Rules) -> list[int]:
    """Relations with exactly one unknown cell (hidden, without counts, or a hidden residual)."""
    hidden = out[F.SUPPRESSED].to_numpy(dtype=bool) | original[F.NUMERATOR].isna().to_numpy()
    bad = []
    for r, members in enumerate(plain_relations(original)):
        unknown = sum(
            _virtual_hidden(x, n, rules) if row is None else bool(hidden[row])
            for row, _, x, n in members
        )
        if unknown == 1:
            bad.append(r)
    return bad


_BIG = 1e9


def _cell_bounds(
    x: float, n: float, reason: str, state: str, rules: Rules
) -> tuple[list[tuple[float, float, float, float]], list[float]]:
    """(room down, room up as another cell, own room up, jump) and need per (attacker, count).

    The statement of docs/disclosure.md ("The attacker model"), cell by cell.
    ``state``: published, hidden, missing, virtual (hidden: it breaks a rule)
    or known (a residual that passes the rules, or cannot be judged).
    """
    m, p, d = rules.min_count, rules.protection, rules.min_denominator
    if state in ("published", "known"):
        return [(0.0, 0.0, 0.0, 0.0)] * 4, [0.0] * 4
    if state == "missing":
        return [(_BIG, _BIG, _BIG, 0.0)] * 4, [1.0] * 4
    c = n - x
    sensitive = state == "virtual" or reason in ("primary", "complement", "denominator")
    need_a = float(p) if sensitive else 1.0
    a = [(max(x, 0.0), _BIG, _BIG, 0.0), (max(c, 0.0), _BIG, _BIG, 0.0)]
    if state == "virtual":
        return [*a, *a], [need_a, need_a, 1.0, 1.0]
    lo_x, hi_x, lo_c, hi_c = 0.0, _BIG, 0.0, _BIG
    passed = reason not in ("primary", "complement")
    if reason == "primary":
        lo_x, hi_x = (0.0 if rules.protect_zeros else 1.0), m - 1.0
    if reason == "complement":
        hi_c = m - 1.0
    if passed:
        lo_x = float(m) if x >= m else 0.0
        lo_c = float(m) if c >= m else 0.0
    if reason == "denominator":
        hi_x = min(hi_x, d - 1.0 - lo_c)
        hi_c = min(hi_c, d - 1.0 - lo_x)
    zero = passed and x < m
    up_x = 0.0 if zero else max(hi_x - x, 0.0)
    own_up_x = max(hi_x - x, 0.0) if zero else up_x
    b = [
        (max(x - lo_x, 0.0), min(up_x, _BIG), min(own_up_x, _BIG), float(m) if zero else 0.0),
        (max(c - lo_c, 0.0), min(max(hi_c - c, 0.0), _BIG), min(max(hi_c - c, 0.0), _BIG), 0.0),
    ]
    # a cell whose reason alone pins it (min_count 1 or 2) cannot be helped
    need_b = [1.0 if (r[2] if r[2] >= max(r[3], 1.0) else 0.0) + r[0] > 0 else 0.0 for r in b]
    return [*a, *b], [need_a, need_a, *need_b]


def unprotected(
    original: pd.DataFrame, out: pd.DataFrame, rules: Rules
) -> list[tuple[int, int | None, int]]:
    """(relation, cell, attacker-count) where a hidden cell keeps less than its required range.

    Only relations with a published cell left count: when every member is
    hidden, the reasons alone may pin a cell and no further hiding helps.
    """
    reasons = out[F.SUPPRESSION_REASON].tolist()
    bad = []
    for r, members in enumerate(plain_relations(original)):
        table = []
        published = 0
        for row, sign, x, n in members:
            if row is None:
                small = _virtual_hidden(x, n, rules)
                state, reason = ("virtual" if small else "known"), ""
            elif np.isnan(x) or np.isnan(n):
                state, reason = "missing", reasons[row]
            else:
                reason = reasons[row]
                state = "hidden" if reason else "published"
            table.append((row, sign, *_cell_bounds(x, n, reason, state, rules)))
            published += state == "published"
        if not published:
            continue  # nothing left to hide: the reasons alone may pin a cell here
        for h, (row, sign, rooms, need) in enumerate(table):
            for j in range(4):
                if need[j] <= 0:
                    continue
                room_up = room_dn = 0.0
                for k, (_, s2, rooms2, _) in enumerate(table):
                    if k == h:
                        continue
                    dn2, up2 = rooms2[j][0], rooms2[j][1]
                    room_up += dn2 if s2 == sign else up2
                    room_dn += up2 if s2 == sign else dn2
                dn, _, own_up, jump = rooms[j]
                up = min(room_up, own_up)
                reach = (0.0 if up < jump else up) + min(room_dn, dn)
                if reach < need[j] - 1e-9:
                    bad.append((r, row, j))
    return bad
