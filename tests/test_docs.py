"""Docs generated from the rule registry must not drift from it; every rule is complete."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

from qalint.ruledocs import rules_markdown
from qalint.rules.registry import FAMILIES, all_rules


def test_docs_rules_md_matches_the_registry() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run "
        "`python -m qalint rules --output-format markdown > docs/rules.md`"
    )


def test_every_rule_has_complete_metadata() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"[SLMFWE]\d{3}", r.code)
        assert r.code[0] in FAMILIES
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name), r.name
        assert r.summary and r.explanation and r.bad and r.good, r.code
        assert r.bad != r.good, r.code


def test_rule_command_prints_the_registry_text() -> None:
    one_per_family = {r.code[0]: r for r in all_rules()}.values()
    for r in one_per_family:
        out = subprocess.run(
            [sys.executable, "-m", "qalint", "rule", r.code],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
        assert out.startswith(f"{r.code} {r.name} ")
        assert r.summary in out
