"""``qalint check -`` and ``qalint fix -``: one page read from standard input.

``--stdin-filename PATH`` names the text: findings show that path, the configuration is the
one found above it, and relative links resolve from its folder. ``fix -`` writes the fixed
text, and nothing else, to standard output (the input unchanged when it cannot be fixed), so
an editor can pipe a buffer through it; findings and messages go to standard error.
"""

from __future__ import annotations

import argparse
import sys
from typing import BinaryIO, TextIO

from qalint.config import Config
from qalint.diagnostics import Severity
from qalint.engine import RunOptions
from qalint.onefile import Linted, lint_bytes, shown_path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def wants_stdin(args: argparse.Namespace) -> bool:
    """True when ``-`` is among the paths (it must then be the only one)."""
    return "-" in (getattr(args, "paths", None) or [])


def stdin_problem(args: argparse.Namespace) -> str | None:
    """Why this command line cannot read standard input, if it cannot."""
    if args.paths != ["-"]:
        return "'-' (standard input) cannot be combined with other paths"
    for flag in ("changed_since", "write_baseline"):
        if getattr(args, flag, None) is not None:
            return f"--{flag.replace('_', '-')} does not apply to standard input"
    return None


def read_input(stream: BinaryIO | TextIO | None = None) -> bytes:
    """All of standard input as bytes (its text encoded as UTF-8 when it has no buffer)."""
    stream = stream if stream is not None else sys.stdin
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer.read()
    data = stream.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _options(args: argparse.Namespace) -> RunOptions:
    return RunOptions(check_urls=bool(getattr(args, "check_urls", False)), use_cache=False)


def check_stdin(
    args: argparse.Namespace, config: Config, out: TextIO, err: TextIO, data: bytes
) -> int:
    """``qalint check -``: lint the bytes of standard input and report as ``check`` does."""
    from qalint.cli import _reporter, failed, use_color
    from qalint.report import ReportContext

    render = _reporter(args.output_format)
    linted = lint_bytes(data, shown_path(args.stdin_filename), config, _options(args))
    sources = {linted.path: linted.document.lines} if linted.document is not None else {}
    diagnostics = linted.diagnostics
    if getattr(args, "baseline", None) is not None:
        from qalint.baseline import Baseline, skipped_codes

        diagnostics, note = Baseline(args.baseline).apply(
            diagnostics, sources, skipped_codes(config, _options(args))
        )
        if not args.quiet:
            err.write(note)
    context = ReportContext(
        files_checked=1,
        sources=sources,
        color=use_color(args.color, out),
        quiet=args.quiet,
        docs_url=config.docs_url,
    )
    out.write(render(diagnostics, context))
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if failed(diagnostics, args.fail_on, args.max_warnings) else EXIT_OK


def _write(out: TextIO, data: bytes) -> None:
    """Bytes to ``out`` exactly (through its binary buffer when it has one)."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8", errors="surrogateescape"))


def _report_remaining(
    args: argparse.Namespace, config: Config, remaining: Linted, err: TextIO
) -> None:
    """The findings left after ``fix -``, on stderr in ``--output-format``: one line each
    in text (as ``check -q`` prints them), else exactly what ``check`` would print, so
    that stderr parses as JSON or SARIF (the text summary line is then left out)."""
    from qalint.cli import _reporter, use_color
    from qalint.report import ReportContext
    from qalint.report.text import render_one

    color = use_color(args.color, err)
    if args.output_format == "text":
        context = ReportContext(color=color)
        err.write("".join(render_one(d, context) + "\n" for d in remaining.diagnostics))
        return
    lines = remaining.document.lines if remaining.document is not None else []
    context = ReportContext(
        files_checked=1,
        sources={remaining.path: lines},
        color=color,
        quiet=args.quiet,
        docs_url=config.docs_url,
    )
    err.write(_reporter(args.output_format)(remaining.diagnostics, context))


def fix_stdin(
    args: argparse.Namespace, config: Config, out: TextIO, err: TextIO, data: bytes
) -> int:
    """``qalint fix -``: the fixed text on stdout; remaining findings and messages on stderr.

    With ``--diff`` the patch goes to stdout instead, and with ``--check`` nothing does; the
    exit code is 1 when the text would change (``--check``, ``--diff``) or when error
    findings remain, 2 when it cannot be read or fixed (the input is then echoed unchanged).
    """
    from qalint.fix import FixResult, encode, fix_source, summary, unified_diff
    from qalint.report import ReportContext
    from qalint.report.text import render_one

    options = _options(args)
    path = shown_path(args.stdin_filename)
    linted = lint_bytes(data, path, config, options)
    dry_run = bool(args.diff or args.check)
    plain = ReportContext(color=False)
    if linted.document is None:  # undecodable or binary: say why, pass the bytes through
        err.write("".join(render_one(d, plain) + "\n" for d in linted.diagnostics))
        if not dry_run:
            _write(out, data)
        return EXIT_ERROR
    source = linted.document.source
    result: FixResult = fix_source(
        source.text,
        path,
        config,
        options,
        bool(args.unsafe_fixes),
        source.had_bom,
        linted.document.site,
    )
    if result.problem is not None:
        err.write(f"qalint: {path}: {result.problem}\n")
        if not dry_run:
            _write(out, data)
        return EXIT_ERROR
    if args.diff:
        out.write(unified_diff(result))
    elif not args.check:
        _write(out, encode(result.fixed, result.had_bom))
    remaining = lint_bytes(encode(result.fixed, result.had_bom), path, config, options)
    _report_remaining(args, config, remaining, err)
    if not args.quiet and args.output_format == "text":
        err.write(summary([result], len(remaining.diagnostics), dry_run) + "\n")
    if dry_run:
        return EXIT_FINDINGS if result.changed else EXIT_OK
    errors = any(d.severity is Severity.ERROR for d in remaining.diagnostics)
    return EXIT_FINDINGS if errors else EXIT_OK
