"""Rule families, one module each; importing a module registers its rules.

Every module in this package is loaded by ``registry.load_rule_modules``; a new family is a
new module here, with no edit to the engine.
"""

from __future__ import annotations

import pkgutil

RULE_MODULES = sorted(
    f"{__name__}.{info.name}"
    for info in pkgutil.iter_modules(__path__)
    if info.name not in {"registry"} and not info.name.startswith("_")
)
