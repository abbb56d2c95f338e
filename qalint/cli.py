"""The command line: ``qalint check``, ``fix``, ``rules`` and ``rule CODE``.

Exit codes (the contract): 0 no error-severity finding; 1 error findings (or ``fix --check``
would change something); 2 usage, configuration or internal error. Bad input and bad usage
never print a traceback (set QALINT_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qalint import __version__
from qalint.config import Config, ConfigError, load_config

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad command-line usage; the message says what to do."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="only these codes or prefixes, comma-separated (overrides config)",
    )
    parser.add_argument(
        "--extend-select",
        type=_codes,
        metavar="CODES",
        help="enable these codes or prefixes on top of the selection",
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        metavar="CODES",
        help="skip these codes or prefixes, comma-separated (adds to config)",
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: `paths` from config, else .)",
    )
    _add_selection(parser)
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest qalint.toml or pyproject.toml)",
    )
    parser.add_argument(
        "--check-urls", action="store_true", help="check external links over the network"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="print findings only, one line each, no summary"
    )
    parser.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text output (auto: on a TTY unless NO_COLOR is set)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(prog="qalint", description="Lint MkDocs + Material question banks.")
    parser.add_argument("--version", action="version", version=f"qalint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and report findings")
    _add_common(check)
    check.add_argument(
        "--output-format",
        default="text",
        metavar="FORMAT",
        help="text (default), json, github or sarif",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are error findings"
    )
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only files changed since the merge base of REF and HEAD "
        "(cross-file rules still see every file)",
    )
    known = check.add_mutually_exclusive_group()
    known.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this baseline file",
    )
    known.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record the current findings in FILE and exit 0",
    )

    fix = sub.add_parser("fix", help="apply safe fixes in place")
    _add_common(fix)
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    mode.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything would change"
    )
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument(
        "--output-format",
        default="text",
        metavar="FORMAT",
        help="format of the remaining findings: text, json, github or sarif",
    )

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--output-format", choices=["text", "json", "markdown"], default="text")
    rule = sub.add_parser("rule", help="explain one rule, with a bad and a good example")
    rule.add_argument("code", metavar="CODE", help="rule code (S006) or name (question-heading)")
    questions = sub.add_parser("questions", help="list the questions found, of every shape")
    questions.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    questions.add_argument("--config", type=Path, metavar="FILE", help="config file")
    questions.add_argument("--output-format", choices=["text", "json"], default="text")
    return parser


def use_color(choice: str, stream: TextIO) -> bool:
    """Colour only on a TTY, never with NO_COLOR set, unless forced with --color always."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def resolve_config(args: argparse.Namespace) -> Config:
    """Load the config file and apply the command-line selection over it."""
    start = Path(args.paths[0]) if getattr(args, "paths", None) else Path.cwd()
    if not start.exists():
        start = Path.cwd()
    config = load_config(args.config, start)
    from qalint.config import validate_codes

    for key in ("select", "extend_select", "ignore"):
        value = getattr(args, key, None)
        if value:
            validate_codes("--" + key.replace("_", "-"), value)
    if args.select:
        config.select = list(args.select)
    if args.extend_select:
        config.extend_select = config.extend_select + list(args.extend_select)
    if args.ignore:
        config.ignore = config.ignore + list(args.ignore)
    return config


def target_paths(args: argparse.Namespace, config: Config) -> list[str]:
    """Paths from the command line, else from config (relative to its folder), else ``.``."""
    if args.paths:
        return list(args.paths)
    if config.paths:
        base = config.root or Path.cwd()
        return [os.path.relpath(base / p) if not Path(p).is_absolute() else p for p in config.paths]
    return ["."]


def _reporter(name: str):
    from qalint.report import REPORTERS, available, get_reporter

    if name not in REPORTERS or name not in available():
        raise UsageError(f"unknown output format '{name}'; choose one of {', '.join(available())}")
    return get_reporter(name)


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint check``: lint and report; exit 1 on error-severity findings."""
    from qalint.engine import RunOptions, run
    from qalint.report import ReportContext

    render = _reporter(args.output_format)
    config = resolve_config(args)
    options = RunOptions(
        check_urls=args.check_urls,
        use_cache=not args.no_cache,
        progress=not args.quiet and hasattr(err, "isatty") and err.isatty(),
    )
    from qalint.baseline import Baseline, BaselineError, skipped_codes, write_baseline
    from qalint.gitdiff import GitError, run_changed_since

    try:
        if args.write_baseline and args.changed_since is not None:
            raise UsageError("--write-baseline records the whole bank; drop --changed-since")
        baseline = Baseline(args.baseline) if args.baseline else None
        if args.changed_since is not None:
            result = run_changed_since(
                args.changed_since, target_paths(args, config), config, options
            )
        else:
            result = run(target_paths(args, config), config, options)
        sources = result.sources
        diagnostics = result.diagnostics
        if args.write_baseline:
            err.write(write_baseline(args.write_baseline, diagnostics, sources))
            return EXIT_OK
        if baseline is not None:
            diagnostics, note = baseline.apply(diagnostics, sources, skipped_codes(config, options))
            if not args.quiet:
                err.write(note)
    except (BaselineError, GitError) as exc:
        raise UsageError(str(exc)) from exc
    context = ReportContext(
        files_checked=result.files_checked,
        sources=sources,
        color=use_color(args.color, out),
        quiet=args.quiet,
    )
    out.write(render(diagnostics, context))
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(d.severity.value == "error" for d in diagnostics) else EXIT_OK


def cmd_fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint fix``: delegated to ``qalint.fix``."""
    from qalint.fix import fix_command

    _reporter(args.output_format)
    config = resolve_config(args)
    return fix_command(args, config, target_paths(args, config), out, err)


def cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint rules``: every rule with family, default severity and fixability."""
    from qalint.ruledocs import rules_json, rules_markdown, rules_table

    render = {"text": rules_table, "json": rules_json, "markdown": rules_markdown}
    out.write(render[args.output_format]())
    return EXIT_OK


def cmd_rule(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint rule CODE``: the full explanation of one rule."""
    from qalint.ruledocs import explain
    from qalint.rules.registry import all_rules, get_rule

    found = get_rule(args.code)
    if found is None:
        import difflib

        names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        close = difflib.get_close_matches(args.code, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else "; `qalint rules` lists them"
        raise UsageError(f"unknown rule '{args.code}'{hint}")
    out.write(explain(found))
    return EXIT_OK


def cmd_questions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint questions``: the inventory of questions (``qalint.questions.inventory``)."""
    from qalint.questions import inventory

    start = Path(args.paths[0]) if args.paths else Path.cwd()
    config = load_config(args.config, start if start.exists() else Path.cwd())
    records = inventory.collect(target_paths(args, config), config)
    render = inventory.render_json if args.output_format == "json" else inventory.render_text
    out.write(render(records))
    return EXIT_OK


COMMANDS = {
    "check": cmd_check,
    "fix": cmd_fix,
    "rules": cmd_rules,
    "rule": cmd_rule,
    "questions": cmd_questions,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
        if args.command is None:
            parser.print_help(out)
            return EXIT_ERROR
        return COMMANDS[args.command](args, out, err)
    except UsageError as exc:
        err.write(f"qalint: error: {exc}\n")
        return EXIT_ERROR
    except ConfigError as exc:
        err.write(f"qalint: configuration error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write("qalint: interrupted\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal failure: say so, exit 2, no traceback by default
        if os.environ.get("QALINT_DEBUG"):
            raise
        err.write(
            f"qalint: internal error: {type(exc).__name__}: {exc}\n"
            "Please report it with the input that caused it (QALINT_DEBUG=1 shows a "
            "traceback).\n"
        )
        return EXIT_ERROR
