"""Fact checks: claims read from answer prose and math, checked by computation.

- ``text``: the plain view of a prose leaf, cut into list items and sentences;
- ``claims``: numbers with stated precision, labels, groups and cue-word roles;
- ``prose_checks``: distributions, logits, ranges and metrics stated in prose (F001-F005);
- ``latex``: a small TeX-to-expression parser for closed formulas and identities;
- ``symbolic``: their evaluation with sympy, imported lazily and cached per formula (F006-F007);
- ``packs``: knowledge packs of known misconceptions, shipped as data (F008).
"""
