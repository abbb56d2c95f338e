"""The README's configuration examples are valid configuration."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

from qalint.config import config_from_mapping


def _toml_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    return [b for b in blocks if "[language-server." not in b]  # an editor's, not qalint's


def test_every_readme_toml_example_validates() -> None:
    blocks = _toml_blocks()
    assert len(blocks) >= 3
    for block in blocks:
        data = tomllib.loads(block)
        section = data.get("tool", {}).get("qalint", data)
        config_from_mapping(section)
