"""Disclosure control: suppress small cells, record why, and gate every writer."""

from utenforskap.disclosure.control import suppress
from utenforskap.disclosure.gate import DisclosureError, recorded_rules, require_disclosed
from utenforskap.disclosure.labels import legend_note, reason_labels, suppressed_label
from utenforskap.disclosure.rules import RuleBook, Rules, rules_from_config

__all__ = [
    "DisclosureError",
    "RuleBook",
    "Rules",
    "legend_note",
    "reason_labels",
    "recorded_rules",
    "require_disclosed",
    "rules_from_config",
    "suppress",
    "suppressed_label",
]
