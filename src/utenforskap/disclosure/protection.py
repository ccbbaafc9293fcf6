"""Secondary suppression over every relation, against an attacker who knows the rules and reasons.

Each relation (:mod:`utenforskap.disclosure.relations`) says total − sum(parts)
= 0, for the numerators *x* and for the complements *c* = denominator −
numerator alike. Published cells are known; hidden cells, cells without
counts and virtual residual cells are unknown. An attacker who solves one
relation for a hidden cell *h* learns how far *h* can move: up by as much as
the other unknowns on its side can go down and those on the other side can go
up, and down the other way round, each within its own bounds.

Two attackers are considered, and both must be held off:

* **a** (subtraction): knows only that counts are ≥ 0. A cell hidden by a
  primary rule (or a virtual residual that breaks one) must keep a range of
  at least ``protection_level`` persons, with and without the trait; any other
  hidden cell a range of at least 1 (it is not pinned).
* **b** (reasons known): also knows each hidden cell's reason and the rules,
  so a ``primary`` cell has 1 … min_count − 1 with the trait, a
  ``complement`` cell 0 … min_count − 1 without it, a ``denominator`` cell
  fewer than ``min_denominator`` persons, and any other hidden cell passed the
  rules: 0 or ≥ min_count with the trait (a 0 cannot move up continuously,
  so it is taken as fixed), ≥ min_count without. Every hidden cell must keep a
  range of at least 1.

A cell's range in one relation is min(room up, own room up) + min(room down,
own room down). While some relation leaves a cell short, the published member
of that relation that mends the worst-off cell and has the smallest
denominator is hidden (``secondary``); if none mends it, the one that helps
most. Relations are checked one at a time; combining them is the attacker
audit's job (``utenforskap.audit_disclosure``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from utenforskap.disclosure.cells import REASON_CODE, primary_reasons

__all__ = ["BIG", "SENSITIVE", "Protector", "virtual_sensitive"]

#: Stands for "unbounded" in rooms: far above any count, small enough for exact sums.
BIG = 1e9
_JUMPS = 2  # the (attacker, count) index whose cells may have to jump: b, numerator

#: Reasons that say the cell's own counts are small: their cells need ``protection_level``.
SENSITIVE: tuple[str, ...] = ("primary", "complement", "denominator")
_SENSITIVE_CODES = np.array([REASON_CODE[r] for r in SENSITIVE], dtype=np.int8)


def virtual_sensitive(x: np.ndarray, n: np.ndarray, rules: dict[str, np.ndarray]) -> np.ndarray:
    """Virtual residual cells that break a primary rule (and so must be protected).

    A residual with no persons (denominator 0) or with counts that cannot be
    judged (NaN, negative: the parts do not add up) is not sensitive.

    Parameters
    ----------
    x, n
        Numerator and denominator of the residuals.
    rules
        Per-cell thresholds (:meth:`~utenforskap.disclosure.RuleBook.per_row`).

    Returns
    -------
    numpy.ndarray
        Boolean mask.
    """
    with np.errstate(invalid="ignore"):
        judged = np.isfinite(x) & np.isfinite(n) & (x >= 0) & (n > 0) & (n >= x)
    out = np.zeros(len(x), dtype=bool)
    out[judged] = (
        primary_reasons(x[judged], n[judged], {k: v[judged] for k, v in rules.items()}) != 0
    )
    return out


@dataclass
class _Rooms:
    """How far each cell can move, per attacker model and count: (model a, b) × (x, c)."""

    dn: np.ndarray  # (4, n_cells)
    up: np.ndarray  # (4, n_cells)
    need: np.ndarray  # (4, n_cells)
    needs: np.ndarray  # (n_cells,): some need > 0
    active: np.ndarray  # (n_cells,): unknown to the attacker
    own_up: np.ndarray  # (4, n_cells): how far the cell itself may go up ...
    jump: np.ndarray  # (4, n_cells): ... once it goes up at least this much (0 or ≥ min_count)


def _reach(
    room_up: np.ndarray, room_dn: np.ndarray, rooms: _Rooms, j: int, cell: np.ndarray
) -> np.ndarray:
    """A cell's range in one relation: how far up and down it may move, within its own bounds."""
    up = np.minimum(room_up, rooms.own_up[j, cell])
    if j == _JUMPS:  # only a 0 that passed the rules (attacker b, numerator) jumps
        up[up < rooms.jump[j, cell]] = 0.0
    return up + np.minimum(room_dn, rooms.dn[j, cell])


class Protector:
    """Secondary suppression over the relations of one table.

    Parameters
    ----------
    matrix
        Relations × cells (:attr:`~utenforskap.disclosure.relations.Relations.matrix`).
    x, n
        Original numerator and denominator of every cell (rows, then virtual).
    n_rows
        Number of real rows (the first cells); the rest are virtual.
    rules
        Per-cell thresholds (virtual cells: those of their total's row).
    rank
        Tie-break per cell (rows, then virtual cells), independent of row order.
    trusted
        Real rows hidden before this run (their counts already blanked): a
        virtual residual of unknown value in a relation with such a row is
        taken as unknown, so that suppressing a suppressed table again
        changes nothing. None: no such rows.
    outside
        Real rows outside the count arithmetic (published rates: no counts of
        their own); relations with such a row are left alone. None: none.
    """

    def __init__(
        self,
        matrix: sp.csr_matrix,
        x: np.ndarray,
        n: np.ndarray,
        n_rows: int,
        rules: dict[str, np.ndarray],
        rank: np.ndarray,
        trusted: np.ndarray | None = None,
        outside: np.ndarray | None = None,
    ) -> None:
        self.matrix = matrix.tocsr()
        self.by_cell = matrix.tocsc()
        self.n_rows = n_rows
        self.x = np.asarray(x, dtype=float)
        self.c = np.asarray(n, dtype=float) - self.x
        self.n = np.asarray(n, dtype=float)
        self.rules = rules
        n_cells = len(self.x)
        self.missing = ~(np.isfinite(self.x) & np.isfinite(self.n))
        self.virtual = np.arange(n_cells) >= n_rows
        self.rank = np.asarray(rank, dtype=np.int64)
        self._state: _Rooms | None = None
        self._closed = np.zeros(self.matrix.shape[0], dtype=bool)
        if outside is not None and outside.any():
            flag = np.concatenate([outside, np.zeros(n_cells - n_rows, dtype=bool)])
            self._closed = np.abs(self.matrix) @ flag.astype(float) > 0
        self._m = rules["min_count"].astype(float)
        self._p = rules["protection_level"].astype(float)
        self._zeros = rules["protect_zeros"].astype(bool)
        self._min_den = rules["min_denominator"].astype(float)
        self.sensitive_virtual = np.zeros(n_cells, dtype=bool)
        # Virtual residuals are cells that would be published if they passed
        # the rules: known, unless they break one (then hidden, and protected).
        self.unknown_virtual = np.zeros(n_cells, dtype=bool)
        if n_cells > n_rows:
            self.sensitive_virtual[n_rows:] = virtual_sensitive(
                self.x[n_rows:], self.n[n_rows:], {k: v[n_rows:] for k, v in rules.items()}
            )
            self.unknown_virtual |= self.sensitive_virtual
            if trusted is not None and trusted.any():
                flag = np.concatenate([trusted, np.zeros(n_cells - n_rows, dtype=bool)])
                with_trusted = np.abs(self.matrix) @ flag.astype(float) > 0
                in_trusted = np.abs(self.by_cell[:, n_rows:]).T @ with_trusted.astype(float) > 0
                self.unknown_virtual[n_rows:] |= self.missing[n_rows:] & in_trusted

    def _rooms(self, reason: np.ndarray) -> _Rooms:
        """Rooms and needs of every cell given the reasons of the real rows (0 = published)."""
        n_cells = len(self.x)
        rooms = _Rooms(
            dn=np.zeros((4, n_cells)),
            up=np.zeros((4, n_cells)),
            need=np.zeros((4, n_cells)),
            needs=np.zeros(n_cells, dtype=bool),
            active=np.zeros(n_cells, dtype=bool),
            own_up=np.zeros((4, n_cells)),
            jump=np.zeros((4, n_cells)),
        )
        unknown = self.missing | self.unknown_virtual
        unknown[: self.n_rows] |= reason != 0
        self._update(rooms, np.flatnonzero(unknown), reason)  # the rest stay 0: known
        return rooms

    def _update(self, rooms: _Rooms, cells: np.ndarray, reason: np.ndarray) -> None:
        """Recompute the rooms and needs of some cells (after their reasons changed)."""
        m = self._m[cells]
        p = self._p[cells]
        zeros = self._zeros[cells]
        min_den = self._min_den[cells]
        x = np.nan_to_num(self.x[cells], nan=BIG)
        c = np.nan_to_num(self.c[cells], nan=BIG)
        virtual = self.virtual[cells]
        missing = self.missing[cells]
        code = np.zeros(len(cells), dtype=np.int8)
        code[~virtual] = reason[cells[~virtual]]
        hidden = (code != 0) | (missing & ~virtual) | self.unknown_virtual[cells]
        primary = code == REASON_CODE["primary"]
        complement = code == REASON_CODE["complement"]
        denominator = code == REASON_CODE["denominator"]
        passed = hidden & ~primary & ~complement & ~missing
        sensitive = np.isin(code, _SENSITIVE_CODES) | self.sensitive_virtual[cells]

        dn = np.zeros((4, len(cells)))
        up = np.zeros((4, len(cells)))
        # model a: counts ≥ 0, nothing else
        dn[0] = np.where(hidden, np.maximum(x, 0), 0)
        dn[1] = np.where(hidden, np.maximum(c, 0), 0)
        up[0] = np.where(hidden, BIG, 0)
        up[1] = up[0]
        # model b: the reasons' bounds
        lo_x = np.where(primary, np.where(zeros, 0, 1), np.where(passed & (x >= m), m, 0))
        hi_x = np.where(primary, m - 1, np.where(passed & (x < m), x, BIG))
        lo_c = np.where(passed & (c >= m), m, 0)
        hi_c = np.where(complement, m - 1, BIG)
        # fewer than min_denominator persons: x + c ≤ min_denominator − 1
        hi_x = np.where(denominator, np.minimum(hi_x, min_den - 1 - lo_c), hi_x)
        hi_c = np.where(denominator, np.minimum(hi_c, min_den - 1 - lo_x), hi_c)
        dn[2] = np.where(hidden, np.maximum(x - lo_x, 0), 0)
        dn[3] = np.where(hidden, np.maximum(c - lo_c, 0), 0)
        up[2] = np.where(hidden, np.maximum(hi_x - x, 0), 0)
        up[3] = np.where(hidden, np.maximum(hi_c - c, 0), 0)
        # A 0 that passed the rules may be 0 or ≥ min_count: as another cell's
        # room it cannot move up; itself, it is not pinned if it can reach min_count.
        zero = passed & (x < m)
        own_up = up.copy()
        jump = np.zeros((4, len(cells)))
        zero_hi = np.where(denominator, min_den - 1 - lo_c, BIG)
        own_up[2] = np.where(zero, np.maximum(zero_hi - x, 0), up[2])
        jump[2] = np.where(zero, m, 0)
        for a in (dn, up, own_up):
            a[:, missing] = np.where(hidden[missing], BIG, 0)
            np.minimum(a, BIG, out=a)

        real_hidden = hidden & ~virtual
        need_a = np.where(sensitive, p, np.where(real_hidden, 1.0, 0.0))
        need_b = np.where(sensitive | real_hidden, 1.0, 0.0)
        need = np.stack([need_a, need_a, need_b, need_b])
        # a cell whose reason alone pins it (min_count 1 or 2) cannot be helped
        own = np.where(own_up >= np.maximum(jump, 1), own_up, 0) + dn
        need[2:] = np.where(own[2:] > 0, need[2:], 0)
        rooms.dn[:, cells] = dn
        rooms.up[:, cells] = up
        rooms.own_up[:, cells] = own_up
        rooms.jump[:, cells] = jump
        rooms.need[:, cells] = need
        rooms.needs[cells] = need.max(axis=0) > 0
        rooms.active[cells] = hidden

    def _members(self, relations: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position in ``relations``, cell, 1 for the total) per membership of some relations."""
        start = self.matrix.indptr[relations]
        length = self.matrix.indptr[relations + 1] - start
        total = int(length.sum())
        rel = np.repeat(np.arange(len(relations)), length)
        offset = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
        position = np.repeat(start, length) + offset
        plus = (self.matrix.data[position] > 0).astype(np.int64)
        return rel, self.matrix.indices[position], plus

    def _margins(
        self, rooms: _Rooms, rel: np.ndarray, cell: np.ndarray, plus: np.ndarray, k: int
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Per membership: the smallest (range − need) over both attackers and both counts.

        Also returns, per (attacker, count), the sums of the members' rooms
        down and up per relation and side (index ``2 × relation + is_total``).
        """
        key = rel * 2 + plus
        other = key ^ 1
        margin = np.full(len(cell), np.inf)
        sums = []
        for j in range(4):
            dn = rooms.dn[j, cell]
            up = rooms.up[j, cell]
            sum_dn = np.bincount(key, weights=dn, minlength=2 * k)
            sum_up = np.bincount(key, weights=up, minlength=2 * k)
            sums.append((sum_dn, sum_up))
            room_up = sum_dn[key] - dn + sum_up[other]
            room_dn = sum_up[key] - up + sum_dn[other]
            # the cell's own bounds: up to own_up (after a jump), down to dn
            own = np.minimum(room_up, rooms.own_up[j, cell] if j == _JUMPS else up)
            if j == _JUMPS:
                own[own < rooms.jump[j, cell]] = 0.0
            own += np.minimum(room_dn, dn)
            own -= rooms.need[j, cell]
            np.minimum(margin, own, out=margin)
        return margin, sums

    def run(
        self, reason: np.ndarray, secondary_code: int, check: np.ndarray | None = None
    ) -> np.ndarray:
        """Hide published rows until every relation holds off both attackers.

        Parameters
        ----------
        reason
            Reason code per real row (0 = published); changed in place.
        secondary_code
            The code written for cells this step hides.
        check
            Rows whose reasons changed since the last run (None: the first run,
            every relation).

        Returns
        -------
        numpy.ndarray
            ``reason``.
        """
        if self.matrix.shape[0] == 0:
            return reason
        if check is None or self._state is None:
            self._state = rooms = self._rooms(reason)
            start = np.flatnonzero(rooms.needs)
        else:
            rooms = self._state
            self._update(rooms, check, reason)
            start = check
        local = self._open(self._relations_of(start), reason)
        while len(local):
            rel, cell, plus = self._members(local)
            keep = rooms.active[cell]  # published and known virtual cells add nothing
            rel, cell, plus = rel[keep], cell[keep], plus[keep]
            margin, sums = self._margins(rooms, rel, cell, plus, len(local))
            short = (margin < -1e-9) & rooms.needs[cell]
            if not short.any():
                break
            idx = np.flatnonzero(short)
            order = idx[np.lexsort((self.rank[cell[idx]], margin[idx], rel[idx]))]
            first = np.ones(len(order), dtype=bool)
            first[1:] = rel[order][1:] != rel[order][:-1]
            worst = order[first]  # the worst-off member of each needy relation
            picks = self._pick(rooms, sums, local, rel[worst], cell[worst], plus[worst], reason)
            if len(picks) == 0:
                break
            reason[picks] = secondary_code
            self._update(rooms, picks, reason)
            local = self._open(self._relations_of(picks), reason)
        return reason

    def _open(self, relations: np.ndarray, reason: np.ndarray) -> np.ndarray:
        """The relations that still have a published row: only there can a cell be hidden."""
        relations = relations[~self._closed[relations]]
        if len(relations) == 0:
            return relations
        shown = np.zeros(len(self.x), dtype=float)
        shown[: self.n_rows] = (reason == 0) & ~self.missing[: self.n_rows]
        sub = self.matrix[relations]
        count = np.abs(sub) @ shown
        return relations[count > 0]

    def _relations_of(self, cells: np.ndarray) -> np.ndarray:
        """Relations that contain any of ``cells``."""
        if len(cells) == 0:
            return np.zeros(0, dtype=np.int64)
        ptr = self.by_cell.indptr
        length = ptr[cells + 1] - ptr[cells]
        position = np.repeat(ptr[cells], length) + (
            np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
        )
        return np.unique(self.by_cell.indices[position]).astype(np.int64)

    def _pick(
        self,
        rooms: _Rooms,
        sums: list[tuple[np.ndarray, np.ndarray]],
        local: np.ndarray,
        needy: np.ndarray,
        worst: np.ndarray,
        worst_plus: np.ndarray,
        reason: np.ndarray,
    ) -> np.ndarray:
        """For each needy relation (positions in ``local``), the published row to hide."""
        at, u, plus = self._members(local[needy])
        candidate = u < self.n_rows
        candidate[candidate] = ~self.missing[u[candidate]] & (reason[u[candidate]] == 0)
        if not candidate.any():
            return np.zeros(0, dtype=np.int64)
        at, u, plus = at[candidate], u[candidate], plus[candidate]
        owner = needy[at]
        hc = worst[at]
        h_plus = worst_plus[at]
        m = self._m[u]
        xu, cu = self.x[u], self.c[u]
        # the candidate's rooms once hidden as secondary (model a: x, c; model b: x, c)
        dn_u = (xu, cu, np.where(xu >= m, xu - m, 0.0), np.maximum(cu - m, 0.0))
        up_u = (BIG, BIG, np.where(xu >= m, BIG, 0.0), BIG)
        same = plus == h_plus
        key = owner * 2 + h_plus
        other = owner * 2 + (1 - h_plus)
        gain = np.full(len(u), np.inf)
        for j in range(4):
            sum_dn, sum_up = sums[j]
            room_up = sum_dn[key] - rooms.dn[j, hc] + sum_up[other]
            room_dn = sum_up[key] - rooms.up[j, hc] + sum_dn[other]
            room_up = room_up + np.where(same, dn_u[j], up_u[j])
            room_dn = room_dn + np.where(same, up_u[j], dn_u[j])
            reach = _reach(room_up, room_dn, rooms, j, hc)
            np.minimum(gain, reach - rooms.need[j, hc], out=gain)
        enough = gain >= -1e-9
        # enough first, then the smallest denominator; otherwise the biggest gain
        score = np.where(enough, self.n[u], -gain)
        order = np.lexsort((self.rank[u], score, ~enough, owner))
        first = np.ones(len(order), dtype=bool)
        first[1:] = owner[order][1:] != owner[order][:-1]
        return np.unique(u[order][first])
