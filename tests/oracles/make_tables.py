"""Regenerate ``qalint/latex/data/{mathjax,katex}.json`` from the real renderers.

Usage: ``python tests/oracles/make_tables.py [RENDERERS_DIR]`` (default: the folder printed by
``.ci/install-renderers``). Runs ``dump_tables.js`` once and writes one table per renderer:
the control sequences it defines with the number of brace arguments each needs (``null`` when
the command takes something else, e.g. a delimiter), its environments, and the delimiters
``\\left`` accepts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "qalint" / "latex" / "data"


def main() -> None:
    """Dump the tables and write them as JSON data files."""
    if len(sys.argv) > 1:
        folder = sys.argv[1]
    else:
        script = HERE.parent.parent / ".ci" / "install-renderers"
        folder = subprocess.run(
            [str(script)], capture_output=True, text=True, check=True
        ).stdout.strip()
    out = subprocess.run(
        ["node", str(HERE / "dump_tables.js"), folder], capture_output=True, text=True, check=True
    ).stdout
    tables = json.loads(out)
    for renderer, table in tables.items():
        commands: dict[str, int | None] = {}
        for name, arity in table["commands"].items():
            # MathJax keys its delimiter map by the control sequence itself ("\\{", "\\Vert").
            key = name[1:] if len(name) > 1 and name.startswith("\\") else name
            commands[key] = 0 if key != name and arity is None else arity
        data = {
            "renderer": renderer,
            "version": table["version"],
            "commands": dict(sorted(commands.items())),
            "environments": {
                name: {"display_only": info["display_only"]}
                for name, info in sorted(table["environments"].items())
            },
            "delimiters": sorted(table["delimiters"]),
            "script_refused": sorted(table["script_refused"]),
            "limits": sorted(table["limits"]),
            "text_commands": sorted(table["text_commands"]),
        }
        path = DATA / f"{renderer}.json"
        path.write_text(json.dumps(data, indent=0, sort_keys=False) + "\n", encoding="utf-8")
        print(f"{path}: {len(data['commands'])} commands, {len(data['environments'])} environments")


if __name__ == "__main__":
    main()
