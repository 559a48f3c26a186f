"""Relation rules: each module in this package exposes ``RULES``, functions that read a
document's sentences and mentions through a RuleContext and add facts with evidence.

Modules are found by name, so adding a rule module needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from ..builder import RuleContext

Rule = Callable[[RuleContext], None]


def _discover() -> list[Rule]:
    rules: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rules.extend(getattr(module, "RULES", ()))
    return rules


RULES: list[Rule] = _discover()
