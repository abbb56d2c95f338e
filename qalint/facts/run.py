"""Run every fact check over one document (the F rules share the result)."""

from __future__ import annotations

from qalint.config import Config
from qalint.document import Document
from qalint.facts import prose_checks
from qalint.facts.findings import Finding
from qalint.facts.text import document_sentences


def run_checks(document: Document, config: Config) -> list[Finding]:
    """Findings of the numeric, symbolic and knowledge-pack checks, in document order."""
    options = config.section("facts")
    sentences = document_sentences(document)
    findings: list[Finding] = []
    findings.extend(
        prose_checks.check(sentences, prose_checks.Options(tolerance=options["tolerance"]))
    )
    return findings
