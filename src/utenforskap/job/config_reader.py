"""Walking a parsed TOML run configuration, with errors that name the key path."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from utenforskap.ages import age_label
from utenforskap.errors import ConfigError, DataError, choice_problem

__all__ = ["ConfigReader"]


class ConfigReader:
    """Walks a parsed TOML table, tracking the key path for error messages.

    Parameters
    ----------
    file
        The configuration file, named in every error (None: in memory).
    base
        The folder relative paths are resolved against.
    """

    def __init__(self, file: Path | None, base: Path) -> None:
        self.file = file
        self.base = base

    def fail(self, problem: str, key: str, value: Any = None) -> ConfigError:
        return ConfigError(problem, file=self.file, key=key, value=value)

    def table(self, raw: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail("expected a table", key, raw)
        for name in raw:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = (
                    f"; did you mean {close[0]!r}?" if close else f"; allowed keys: {list(allowed)}"
                )
                raise self.fail(f"unknown key{hint}", f"{key}.{name}" if key else name)
        return raw

    def string(
        self, raw: Mapping[str, Any], name: str, key: str, default: str | None = None
    ) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str) or not value:
            raise self.fail("expected a non-empty string", f"{key}.{name}".lstrip("."), value)
        return value

    def strings(self, raw: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of strings", f"{key}.{name}".lstrip("."), value)
        return tuple(value)

    def choice(self, value: Any, key: str, choices: Any) -> Any:
        """Return ``value`` if it is one of ``choices`` (owned by the module that uses them)."""
        allowed = tuple(choices)
        try:
            ok = value in allowed
        except TypeError:
            ok = False
        if not ok:
            raise self.fail(choice_problem(value, allowed), key, value)
        return value

    def age(self, label: str, key: str) -> str:
        """The package's one form of an age label (``"16 til 25"`` → ``"16-25"``)."""
        try:
            return age_label(label)
        except DataError as exc:
            raise self.fail(exc.problem, key, label) from None

    def path(self, raw: Mapping[str, Any], name: str, key: str) -> Path:
        text = self.string(raw, name, key)
        path = Path(text)
        return path if path.is_absolute() else self.base / path
