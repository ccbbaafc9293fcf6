"""The package's one error hierarchy, with messages that say what, where and what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ConfigError",
    "DataError",
    "FetchError",
    "ParameterError",
    "UtenforskapError",
    "UtenforskapWarning",
    "check_choice",
    "choice_problem",
    "warning_kind",
]


def _show(value: Any) -> str:
    # NumPy scalars read as the number the user wrote, not np.float64(-81.0).
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class UtenforskapError(Exception):
    """Base class of every error raised on purpose by utenforskap."""

    exit_code = 1


class UtenforskapWarning(UserWarning):
    """Base class of the package's warnings: something partial that a user must hear about.

    Every warning has a ``kind``, a dotted name such as ``reference.missing``
    or ``boundaries.unmatched``, under which a run lists it in
    ``manifest.json`` (see :class:`utenforskap.job.results.RunWarning`).

    Parameters
    ----------
    message
        One line for a person.
    kind
        What happened; default the class's own ``kind``.

    Examples
    --------
    >>> w = UtenforskapWarning("2 districts have no kommune row", "districts.without_kommune")
    >>> w.kind, str(w)
    ('districts.without_kommune', '2 districts have no kommune row')
    """

    kind: str = "warning"

    def __init__(self, message: str = "", kind: str | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:
        # Warnings raised in the figure pack's worker processes travel back pickled.
        return (type(self), (str(self), self.kind))


def warning_kind(warning: Warning) -> str:
    """The dotted kind of a warning: its own for the package's, ``python.<Class>`` otherwise.

    Parameters
    ----------
    warning
        A warning instance (``warnings.WarningMessage.message``).

    Returns
    -------
    str
        E.g. ``reference.missing`` or ``python.RuntimeWarning``.

    Examples
    --------
    >>> warning_kind(UtenforskapWarning("x", "rollup.incomplete")), warning_kind(RuntimeWarning())
    ('rollup.incomplete', 'python.RuntimeWarning')
    """
    if isinstance(warning, UtenforskapWarning):
        return warning.kind
    return f"python.{type(warning).__name__}"


class DataError(UtenforskapError, ValueError):
    """Input data that cannot be used as it is.

    Parameters
    ----------
    problem
        What is wrong, as a short sentence fragment.
    file, column, row, value
        Where the problem is. ``row`` is a 1-based data row (header excluded)
        for files, or the frame's index label for in-memory frames.
    hint
        What the user can do about it.
    """

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        file: object | None = None,
        column: str | None = None,
        row: object | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.column = column
        self.row = row
        self.value = value
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.value is not None:
            where.append(f"value {_show(self.value)}")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.hint:
            text += f" ({self.hint})"
        return text


class ConfigError(UtenforskapError, ValueError):
    """A run configuration that cannot be used.

    Parameters
    ----------
    problem
        What is wrong.
    file
        The configuration file.
    key
        The key path, e.g. ``inputs[2].mapping.region``.
    value
        The offending value.
    """

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        file: object | None = None,
        key: str | None = None,
        value: Any = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.key = key
        self.value = value
        where = []
        if self.file is not None:
            where.append(self.file)
        if key is not None:
            where.append(f"key {key}")
        if value is not None:
            where.append(f"value {_show(value)}")
        super().__init__((", ".join(where) + ": " if where else "") + problem)


class FetchError(UtenforskapError):
    """A request to a statistics service failed, or was not cached when offline.

    Parameters
    ----------
    message
        What went wrong, including the service's own message when it sent one.
    url
        The URL asked for.
    status
        The HTTP status code, when there was a response.
    """

    exit_code = 2

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        self.url = url
        self.status = status
        text = message
        if status is not None:
            text = f"HTTP {status}: {text}"
        if url is not None:
            text = f"{text} [{url}]"
        super().__init__(text)


class ParameterError(UtenforskapError, ValueError):
    """A function was called with an argument outside its allowed values.

    Parameters
    ----------
    message
        What was wrong, naming the parameter, the allowed values and the value given.
    parameter
        The parameter's name.
    value
        The value given.
    """

    exit_code = 2

    def __init__(self, message: str, *, parameter: str | None = None, value: Any = None) -> None:
        self.parameter = parameter
        self.value = value
        super().__init__(message)


def choice_problem(value: object, choices: Iterable[object]) -> str:
    """Describe why ``value`` is not one of ``choices``: the allowed values and a close match.

    Parameters
    ----------
    value
        The value given.
    choices
        The allowed values.

    Returns
    -------
    str
        E.g. ``"must be one of 'wilson', 'jeffreys'; not 'wilsn' (did you mean 'wilson'?)"``.

    Examples
    --------
    >>> choice_problem("wilsn", ("wilson", "jeffreys"))
    "must be one of 'wilson', 'jeffreys'; not 'wilsn' (did you mean 'wilson'?)"
    """
    allowed = list(choices)
    text = f"must be one of {', '.join(map(repr, allowed))}; not {value!r}"
    if isinstance(value, str):
        words = [a for a in allowed if isinstance(a, str)]
        close = difflib.get_close_matches(value, words, n=1)
        if close:
            text += f" (did you mean {close[0]!r}?)"
    return text


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; raise :class:`ParameterError` otherwise.

    The one check behind every "must be one of" in the package, so every such
    message reads the same: the parameter, the allowed values, the value given.

    Parameters
    ----------
    name
        The parameter's name, as the user wrote it.
    value
        The value given.
    choices
        The allowed values.

    Returns
    -------
    object
        ``value``.

    Raises
    ------
    ParameterError
        ``value`` is not among ``choices``.

    Examples
    --------
    >>> check_choice("method", "wilson", ("wilson", "jeffreys"))
    'wilson'
    >>> check_choice("method", "wald", ("wilson", "jeffreys"))
    Traceback (most recent call last):
    ...
    utenforskap.errors.ParameterError: method must be one of 'wilson', 'jeffreys'; not 'wald'
    """
    allowed = tuple(choices)
    try:
        ok = value in allowed
    except TypeError:  # unhashable or uncomparable values are never allowed
        ok = False
    if not ok:
        raise ParameterError(
            f"{name} {choice_problem(value, allowed)}", parameter=name, value=value
        )
    return value
