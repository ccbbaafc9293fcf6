"""Compile an aggregation (:class:`~.spec.Spec` + the registry's rule) to SQL for DuckDB and Spark.

Three statements, each valid in both dialects:

1. **fine** — one scan of the source: every column turned into the text of its
   codes, the age bands each row falls in (a bit mask), the rule's numerator
   and denominator per row, and a 0/1 for each row-level check that fails
   (period, age, sex, group, person id, items); grouped by region code as
   written, year, band mask and the positions of the sex and group codes. The
   only statement that reads every row.
2. **checks** — over ``fine`` (small): whether any region code fails its
   check, and the summed row-level failures.
3. **cells** — over ``fine``: sex and group codes mapped to labels, each row
   repeated for every band in its mask, and all cells of sex × group × band
   summed in one ``GROUP BY GROUPING SETS``.

When a check fails, :func:`first_bad` finds its first row by position (a
second, rarer scan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from utenforskap.ages import OLDEST
from utenforskap.microdata.spec import DIGITS, NUMBER, REGION_LENGTHS, YEAR, Check, Spec
from utenforskap.registry import rule_sql

__all__ = ["DUCKDB", "SPARK", "Compiled", "Dialect", "compile_spec"]


@dataclass(frozen=True)
class Dialect:
    """What differs between DuckDB's and Spark's SQL."""

    name: str

    def ident(self, name: str) -> str:
        """A quoted identifier."""
        if self.name == "spark":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def lit(self, text: str) -> str:
        """A string literal."""
        if self.name == "spark":
            # Spark reads backslash escapes in literals; DuckDB does not.
            text = text.replace("\\", "\\\\")
        return "'" + text.replace("'", "''") + "'"

    def full_match(self, expr: str, regex: str) -> str:
        """TRUE when the whole text matches ``regex``."""
        if self.name == "spark":
            # Java's $ also matches before a final newline; \z does not.
            return f"({expr} RLIKE {self.lit('^(?:' + regex + ')' + chr(92) + 'z')})"
        return f"regexp_full_match({expr}, {self.lit(regex)})"

    def hash(self, *exprs: str) -> str:
        """A 64-bit hash of the values (equal values, equal hashes; collisions possible)."""
        name = "xxhash64" if self.name == "spark" else "hash"
        return f"{name}({', '.join(exprs)})"

    @property
    def text_type(self) -> str:
        """The type name of text."""
        return "STRING" if self.name == "spark" else "VARCHAR"

    def number(self, text: str) -> str:
        """The number a text holds, NULL when it is blank or not a plain number.

        A whole number written plainly (``17``) is recognised without a regular
        expression: it is the text that reads back the same after a cast.
        """
        whole = f"TRY_CAST({text} AS BIGINT)"
        return (
            f"(CASE WHEN CAST({whole} AS {self.text_type}) = {text} THEN CAST({whole} AS DOUBLE) "
            f"WHEN {self.full_match(text, NUMBER)} THEN TRY_CAST({text} AS DOUBLE) ELSE NULL END)"
        )


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def kind_of(type_name: str) -> str:
    """``text``, ``integer``, ``float``, ``bool`` or ``other`` for an engine's type name."""
    name = type_name.lower()
    if name in ("varchar", "string", "text") or name.startswith(("varchar", "char")):
        return "text"
    integers = ("tinyint", "smallint", "integer", "int", "bigint", "hugeint")
    if name.lstrip("u") in integers or name in ("utinyint", "usmallint", "uinteger", "ubigint"):
        return "integer"
    if name in ("double", "float", "real"):
        return "float"
    if name in ("boolean", "bool"):
        return "bool"
    return "other"


def _code_text(d: Dialect, column: str, kind: str) -> str:
    x = d.ident(column)
    if kind == "text":
        return f"coalesce({x}, '')"
    if kind == "integer":
        return f"coalesce(CAST({x} AS {d.text_type}), '')"
    if kind == "bool":
        return f"(CASE WHEN {x} IS NULL THEN '' WHEN {x} THEN '1' ELSE '0' END)"
    return (
        f"(CASE WHEN {x} IS NULL OR isnan({x}) THEN '' WHEN abs({x}) >= 1e15 THEN '#' "
        f"WHEN {x} = floor({x}) THEN CAST(CAST({x} AS BIGINT) AS {d.text_type}) ELSE '#' END)"
    )


def _in(d: Dialect, expr: str, values: Sequence[str]) -> str:
    if not values:
        return "FALSE"
    return f"{expr} IN ({', '.join(d.lit(v) for v in values)})"


def _case_map(
    d: Dialect, expr: str, mapping: Mapping[str, str], default: str, *, cast: bool = False
) -> str:
    """``expr`` mapped through ``mapping``; ``cast``: the keys are integers."""
    if not mapping:
        return d.lit(default)
    key = (lambda k: k) if cast else d.lit
    whens = " ".join(f"WHEN {key(k)} THEN {d.lit(v)}" for k, v in sorted(mapping.items()))
    return f"(CASE {expr} {whens} ELSE {d.lit(default)} END)"


def _position(d: Dialect, expr: str, codes: Sequence[str]) -> str:
    """The position of ``expr`` among ``codes`` (0, 1, …), -1 when it is none of them."""
    if not codes:
        return "0"
    whens = " ".join(f"WHEN {d.lit(code)} THEN {k}" for k, code in enumerate(codes))
    return f"(CASE {expr} {whens} ELSE -1 END)"


@dataclass(frozen=True)
class Compiled:
    """The SQL of one aggregation, for one dialect and one source's column types."""

    dialect: Dialect
    spec: Spec
    kinds: Mapping[str, str]

    # -- per-row texts --------------------------------------------------------------

    def texts(self, source: str, *, extra: Sequence[str] = ()) -> str:
        """Rows as texts and item values: ``r, p, a, s, g, idt, _t{i}, _v{i}, _b{i}``."""
        d, spec = self.dialect, self.spec
        text = {c: _code_text(d, c, self.kinds[c]) for c in spec.columns}
        inner = [
            f"{text[spec.region]} AS r",
            f"{text[spec.period]} AS p",
            f"{text[spec.age]} AS a",
            f"{text[spec.sex]} AS s",
            f"{text[spec.group]} AS g" if spec.group is not None else "'' AS g",
            f"{text[spec.id]} AS idt" if spec.id is not None else "'' AS idt",
            *extra,
        ]
        outer = ["r", "p", "a", "s", "g", "idt", *(e.rsplit(" AS ", 1)[1] for e in extra)]
        outer.append(f"{d.number('a')} AS an" if spec.number_bands else "NULL AS an")
        for i, item in enumerate(spec.rule.items):
            kind = self.kinds[item]
            recode = spec.recode.get(item)
            if recode is not None:
                inner.append(f"{_case_map(d, text[item], recode, '#')} AS _t{i}")
            else:
                inner.append(f"{text[item]} AS _t{i}")
            if recode is None and kind in ("integer", "float", "bool"):
                x = d.ident(item)
                value = x if kind != "bool" else f"CAST({x} AS DOUBLE)"
                if kind == "float":
                    value = f"(CASE WHEN isnan({x}) THEN NULL ELSE {x} END)"
                inner.append(f"CAST({value} AS DOUBLE) AS _v{i}")
                outer += [f"_t{i}", f"_v{i}"]
            else:
                # The canonical spellings of the codes first: no regular expression per row.
                fast = " ".join(
                    f"WHEN _t{i} = {d.lit(str(c))} THEN {float(c)!r}" for c in spec.rule.codes
                )
                outer += [
                    f"_t{i}",
                    f"(CASE WHEN _t{i} = '' THEN NULL {fast} "
                    f"WHEN {d.full_match(f'_t{i}', NUMBER)} THEN TRY_CAST(_t{i} AS DOUBLE) "
                    f"ELSE NULL END) AS _v{i}",
                ]
            outer.append(f"(_t{i} = '') AS _b{i}")
        return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source}) AS t0"

    # -- 1. fine -------------------------------------------------------------------

    def mask(self) -> str:
        """The age bands a row falls in, as a bit mask (bit ``j`` for band ``j``)."""
        d, spec = self.dialect, self.spec
        terms = []
        for j, band in enumerate(spec.bands):
            if band in spec.code_bands:
                member = _in(d, "a", spec.code_bands[band])
            else:
                low, high = spec.number_bands[band]
                member = f"coalesce(an >= {low} AND an <= {high}, FALSE)"
            terms.append(f"(CASE WHEN {member} THEN {1 << j} ELSE 0 END)")
        return "(" + " + ".join(terms) + ")"

    def fine(self, source: str) -> str:
        """Statement 1: the one full scan, grouped by region, year, band mask, sex, group."""
        spec = self.spec
        rule = rule_sql(spec.rule)
        # Row-level checks are counted with count() (a BIGINT; DuckDB sums integers as
        # 128-bit numbers, three times slower); counts are summed as DOUBLE (exact below
        # 2**53). Keys other than the region are small integers, cheaper to hash than
        # text: the year as a number, sex and group codes as their position among the
        # declared codes (-1: not declared).
        checks = {name: self.valid(Check(name, name)) for name in ("period", "age", "sex", "group")}
        checks["id"] = "(idt <> '')"
        checks |= {str(i): v for i, v in enumerate(rule.valid)}
        oks = [f"{v} AS ok_{k}" for k, v in checks.items()]
        bads = [f"count(CASE WHEN ok_{k} THEN NULL ELSE 1 END) AS bad_{k}" for k in checks]
        sexes = sorted(spec.sex_codes)
        groups = sorted(spec.group_codes or {})
        return (
            "SELECT r, pk, m, sk, gk, sum(num) AS num, sum(den) AS den, "
            f"{', '.join(bads)} FROM ("
            f"SELECT r, TRY_CAST(p AS INTEGER) AS pk, {self.mask()} AS m, "
            f"{_position(self.dialect, 's', sexes)} AS sk, "
            f"{_position(self.dialect, 'g', groups)} AS gk, "
            f"CAST({rule.numerator} AS DOUBLE) AS num, "
            f"CAST({rule.denominator} AS DOUBLE) AS den, {', '.join(oks)} "
            f"FROM ({self.texts(source)}) AS t1) AS t2 GROUP BY r, pk, m, sk, gk"
        )

    # -- 2. checks -----------------------------------------------------------------

    def valid(self, check: Check) -> str:
        """The SQL predicate of a check, on the columns of :meth:`texts`."""
        d, spec = self.dialect, self.spec
        if check.name == "region":
            lengths = ", ".join(str(n) for n in REGION_LENGTHS)
            return (
                f"({d.full_match('r', DIGITS)} AND length(r) IN ({lengths}) "
                "AND (length(r) <> 1 OR r = '0'))"
            )
        if check.name == "period":
            # A plain year 1000-9999 without a regular expression; anything else by the
            # expression (which also accepts 0123, as Python does).
            year = "TRY_CAST(p AS INTEGER)"
            return (
                f"(CASE WHEN length(p) = 4 AND {year} >= 1000 "
                f"AND CAST({year} AS {d.text_type}) = p THEN TRUE "
                f"ELSE {d.full_match('p', YEAR)} END)"
            )
        if check.name == "age":
            codes = _in(d, "a", sorted(spec.age_codes))
            if not spec.number_bands:
                return f"({codes})"
            # CASE, not AND: floor() of a huge number overflows in Spark.
            return (
                f"({codes} OR coalesce(CASE WHEN an >= 0 AND an <= {OLDEST} "
                "THEN an = floor(an) ELSE FALSE END, FALSE))"
            )
        if check.name == "sex":
            return f"({_in(d, 's', sorted(spec.sex_codes))})"
        if check.name == "group":
            if spec.group_codes is None:
                return "TRUE"
            return f"({_in(d, 'g', sorted(spec.group_codes))})"
        if check.name == "id":
            return "(idt <> '')"
        return rule_sql(spec.rule).valid[check.item]

    def checks(self, fine: str) -> str:
        """Statement 2: one row, one count of failures per check, in check order."""
        parts = []
        for check in self.spec.checks:
            if check.name == "region":
                parts.append(f"sum(CASE WHEN {self.valid(check)} THEN 0 ELSE 1 END)")
            elif check.name == "item":
                parts.append(f"sum(bad_{check.item})")
            else:
                parts.append(f"sum(bad_{check.name})")
        return f"SELECT {', '.join(parts)} FROM {fine}"

    def duplicates(self, source: str) -> str:
        """Whether any (period, person id) pair may occur twice: hashes, to save memory.

        A count above 0 can be a hash collision; :meth:`first_duplicate` then
        compares the values themselves.
        """
        return (
            f"SELECT count(*) FROM (SELECT {self.dialect.hash('p', 'idt')} AS h "
            f"FROM ({self.texts(source)}) AS t1 GROUP BY h HAVING count(*) > 1) AS t2"
        )

    # -- error path ------------------------------------------------------------------

    def first_bad(self, source: str, check: Check, position: Sequence[str]) -> str:
        """The first failing row of ``check``: its position columns and its raw value.

        ``position`` are ordering columns of ``source`` (e.g. file, row number),
        returned as ``pos0, pos1, …``.
        """
        raw = self.dialect.ident(check.column)
        extra = [f"{c} AS pos{k}" for k, c in enumerate(position)] + [f"{raw} AS raw"]
        order = ", ".join(f"pos{k}" for k in range(len(position)))
        return (
            f"SELECT {order}, raw, r, p, a, s, g, idt"
            + "".join(f", _t{i}" for i in range(len(self.spec.rule.items)))
            + f" FROM ({self.texts(source, extra=extra)}) AS t1 "
            f"WHERE NOT coalesce({self.valid(check)}, FALSE) ORDER BY {order} LIMIT 1"
        )

    def first_duplicate(self, source: str, position: Sequence[str]) -> str:
        """The first row whose (period, person id) occurred before, and that earlier row."""
        raw = self.dialect.ident(self.spec.id or "")
        extra = [f"{c} AS pos{k}" for k, c in enumerate(position)] + [f"{raw} AS raw"]
        order = ", ".join(f"pos{k}" for k in range(len(position)))
        firsts = ", ".join(
            f"first_value(pos{k}) OVER (PARTITION BY p, idt ORDER BY {order}) AS first{k}"
            for k in range(len(position))
        )
        return (
            f"SELECT {order}, p, raw, {', '.join(f'first{k}' for k in range(len(position)))} "
            f"FROM (SELECT {order}, p, raw, {firsts}, "
            f"row_number() OVER (PARTITION BY p, idt ORDER BY {order}) AS k "
            f"FROM ({self.texts(source, extra=extra)}) AS t1) AS t2 "
            f"WHERE k = 2 ORDER BY {order} LIMIT 1"
        )

    # -- 3. cells ------------------------------------------------------------------

    def cells(self, fine: str) -> str:
        """Statement 3: every band × sex × group cell in one GROUPING SETS."""
        d, spec = self.dialect, self.spec
        sexes = {str(k): spec.sex_codes[code] for k, code in enumerate(sorted(spec.sex_codes))}
        sex = _case_map(d, "sk", sexes, "", cast=True)
        if spec.group_codes is None:
            group = "'total'"
        else:
            codes = sorted(spec.group_codes)
            labels = {str(k): spec.group_codes[code] for k, code in enumerate(codes)}
            group = _case_map(d, "gk", labels, "", cast=True)
        # A valid period is four digits: the number written back with its zeros.
        period = f"lpad(CAST(pk AS {d.text_type}), 4, '0')"
        mapped = f"SELECT r, {period} AS p, m, {sex} AS sx, {group} AS gp, num, den FROM {fine}"
        selects = []
        for j, band in enumerate(spec.bands):
            where = f"(m & {1 << j}) <> 0"
            selects.append(
                f"SELECT r, p, {d.lit(band)} AS band, sx, gp, num, den FROM m WHERE {where}"
            )
        banded = " UNION ALL ".join(selects)
        if spec.group is None:
            sets = "(r, p, band, sx), (r, p, band)"
            group_out = "'total'"
        else:
            sets = "(r, p, band, sx, gp), (r, p, band, gp), (r, p, band, sx), (r, p, band)"
            group_out = "CASE WHEN grouping(gp) = 1 THEN 'total' ELSE gp END"
        return (
            f"WITH m AS ({mapped}), banded AS ({banded}) "
            "SELECT r AS region, p AS period, band, "
            "CASE WHEN grouping(sx) = 1 THEN 'total' ELSE sx END AS sex, "
            f"{group_out} AS {d.ident('group')}, "
            "CAST(sum(num) AS DOUBLE) AS numerator, CAST(sum(den) AS DOUBLE) AS denominator "
            f"FROM banded GROUP BY GROUPING SETS ({sets}) "
            f"HAVING sum(den) > 0 ORDER BY region, period, band, sex, {d.ident('group')}"
        )


def compile_spec(spec: Spec, dialect: Dialect, types: Mapping[str, str]) -> Compiled:
    """Compile ``spec`` for ``dialect``, given the source's column types (engine type names).

    Parameters
    ----------
    spec
        The resolved aggregation.
    dialect
        :data:`DUCKDB` or :data:`SPARK`.
    types
        Column → the engine's type name (``VARCHAR``, ``BIGINT``, ``double`` …).

    Returns
    -------
    Compiled
    """
    return Compiled(dialect, spec, {c: kind_of(types[c]) for c in spec.columns})
