"""The run's own ``[disclosure]`` switches: whether it audits, rounds of showing cells again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from utenforskap.errors import ConfigError

__all__ = [
    "AUDIT_DEFAULT",
    "AUDIT_KEY",
    "RELEASE_DEFAULT",
    "RELEASE_KEY",
    "audit_setting",
    "release_setting",
]

#: The ``[disclosure]`` key that turns the run's audit on or off, and its default.
AUDIT_KEY = "audit"
AUDIT_DEFAULT = True
#: The ``[disclosure]`` key for the rounds of showing secondary cells again, and its default.
RELEASE_KEY = "release"
RELEASE_DEFAULT = 8


def audit_setting(
    mapping: Mapping[str, Any] | None, *, file: object | None = None
) -> tuple[bool, dict[str, Any]]:
    """Split the ``[disclosure]`` section into the run's audit switch and the rules.

    Parameters
    ----------
    mapping
        The section as parsed from TOML (None: not given).
    file
        The configuration file, named in errors.

    Returns
    -------
    tuple of (bool, dict)
        Whether the run audits what it publishes (``audit = true|false``,
        default :data:`AUDIT_DEFAULT`), and the section without that key (for
        :func:`~utenforskap.disclosure.rules_from_config`).

    Raises
    ------
    ConfigError
        ``audit`` is not true or false.

    Examples
    --------
    >>> audit_setting({"audit": False, "min_count": 3})
    (False, {'min_count': 3})
    """
    rest = dict(mapping or {})
    value = rest.pop(AUDIT_KEY, AUDIT_DEFAULT)
    if not isinstance(value, bool):
        raise ConfigError(
            "must be true or false", file=file, key=f"disclosure.{AUDIT_KEY}", value=value
        )
    return value, rest


def release_setting(
    mapping: Mapping[str, Any], *, file: object | None = None
) -> tuple[int, dict[str, Any]]:
    """Split the rounds of showing secondary cells again off the ``[disclosure]`` section.

    Parameters
    ----------
    mapping
        The section (without ``audit``, see :func:`audit_setting`).
    file
        The configuration file, named in errors.

    Returns
    -------
    tuple of (int, dict)
        ``release`` (rounds of :func:`~utenforskap.disclosure.release.release_secondary`
        after the audit; 0 for none; default :data:`RELEASE_DEFAULT`) and the
        section without that key.

    Raises
    ------
    ConfigError
        ``release`` is not a whole number from 0 to 100.

    Examples
    --------
    >>> release_setting({"release": 0, "min_count": 3})
    (0, {'min_count': 3})
    """
    rest = dict(mapping)
    value = rest.pop(RELEASE_KEY, RELEASE_DEFAULT)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigError(
            "must be a whole number of rounds from 0 to 100",
            file=file,
            key=f"disclosure.{RELEASE_KEY}",
            value=value,
        )
    return value, rest
