"""A TeX math validator: what MathJax 3 or KaTeX would refuse, with exact offsets.

``validate(tex, renderer="mathjax", display=False)`` tokenises and parses one formula and
returns ``Finding`` objects (errors a renderer raises, and style findings), each with offsets
into ``tex``. The command, environment and delimiter tables are generated from the real
renderers (``tests/oracles/make_tables.py``) and live in ``qalint/latex/data/``.
"""

from __future__ import annotations

from qalint.latex.findings import Finding, Kind
from qalint.latex.tables import RENDERERS, Table, load_table
from qalint.latex.validator import collect_definitions, validate

__all__ = [
    "RENDERERS",
    "Finding",
    "Kind",
    "Table",
    "collect_definitions",
    "load_table",
    "validate",
]
