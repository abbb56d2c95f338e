"""The command line: ``qalint check``, ``fix``, ``config``, ``rules`` and ``rule CODE``.

Exit codes (the contract): 0 no error-severity finding; 1 error findings (or warnings with
``--fail-on warning``, more than ``--max-warnings``, or ``fix --check`` would change a file);
2 usage, configuration or internal error. Bad input and bad usage never print a traceback
(set QALINT_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qalint import __version__
from qalint.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from qalint.diagnostics import Diagnostic
    from qalint.engine import LintResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad command-line usage; the message says what to do."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {value!r}")
    return int(value)


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


def _add_config_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest qalint.toml or pyproject.toml)",
    )
    parser.add_argument(
        "--mkdocs-config",
        type=Path,
        metavar="FILE",
        help="render every page as this mkdocs.yml says (default: for each page, the nearest "
        "mkdocs.yml above it whose docs_dir holds it)",
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: `paths` from config, else .); - reads standard input",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with -, the path standard input stands for (config lookup, links, output)",
    )
    _add_selection(parser)
    _add_config_files(parser)
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
        help="colour the text output (auto: on a TTY; NO_COLOR turns it off, FORCE_COLOR on)",
    )
    _add_discovery(parser)


def _add_discovery(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-files",
        action="store_true",
        help="list the files that would be checked, one per line, and exit 0",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply `exclude` and .gitignore to files named on the command line too "
        "(for pre-commit, which names files)",
    )


def _add_ci(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on",
        choices=["error", "warning"],
        default="error",
        help="exit 1 on findings of this severity or worse (default: error)",
    )
    parser.add_argument(
        "--max-warnings",
        type=_count,
        metavar="N",
        help="exit 1 when there are more than N warnings",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per code instead of the findings",
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
    _add_ci(check)
    check.add_argument(
        "--show-settings",
        action="store_true",
        help="print the site model (mkdocs.yml, extensions, math) of each PATH; lint nothing",
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
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a file would change (remaining findings do not count)",
    )
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument(
        "--output-format",
        default="text",
        metavar="FORMAT",
        help="format of the remaining findings: text, json, github or sarif",
    )

    sub.add_parser("server", help="run the language server (LSP over stdio) for editors")
    site = sub.add_parser(
        "config", help="show how qalint reads the site of a path (its mkdocs.yml model)"
    )
    site.add_argument(
        "paths", nargs="*", metavar="PATH", help="pages or folders (default: the current folder)"
    )
    _add_config_files(site)
    site.add_argument("--output-format", choices=["text", "json"], default="text")

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
    """Whether to colour: ``--color always|never`` wins; then ``NO_COLOR`` (set and not
    empty) turns colour off, then ``FORCE_COLOR`` (set, not empty and not ``0``) turns it on;
    else colour only on a TTY. NO_COLOR beats FORCE_COLOR, as in Python's own interpreter."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def resolve_config(args: argparse.Namespace) -> Config:
    """Load the config file and apply the command-line selection over it."""
    start = Path(args.paths[0]) if getattr(args, "paths", None) else Path.cwd()
    if getattr(args, "stdin_filename", None) and args.paths == ["-"]:
        from qalint.onefile import config_for

        return _apply_selection(args, config_for(args.stdin_filename, args.config))
    if not start.exists():
        start = Path.cwd()
    return _apply_selection(args, load_config(args.config, start))


def _apply_selection(args: argparse.Namespace, config: Config) -> Config:
    """The command-line selection (--select, --extend-select, --ignore) over ``config``."""
    from qalint.config import validate_codes

    for key in ("select", "extend_select", "ignore"):
        value = getattr(args, key, None)
        if value:
            validate_codes("--" + key.replace("_", "-"), value)
    if getattr(args, "select", None):
        config.select = list(args.select)
    if getattr(args, "extend_select", None):
        config.extend_select = config.extend_select + list(args.extend_select)
    if getattr(args, "ignore", None):
        config.ignore = config.ignore + list(args.ignore)
    if getattr(args, "mkdocs_config", None) is not None:
        config.mkdocs_config = os.path.abspath(args.mkdocs_config)
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


def _stdin(args: argparse.Namespace) -> bool:
    """True when ``-`` (standard input) is the path; a usage error when it cannot be."""
    from qalint.stdin import stdin_problem, wants_stdin

    if not wants_stdin(args):
        if getattr(args, "stdin_filename", None):
            raise UsageError("--stdin-filename needs - (standard input) as the path")
        return False
    problem = stdin_problem(args)
    if problem is not None:
        raise UsageError(problem)
    return True


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint check``: lint and report; exit 1 on error-severity findings."""
    from qalint.engine import RunOptions, run
    from qalint.report import ReportContext

    if args.show_settings:
        config = resolve_config(args)
        fmt = "json" if args.output_format == "json" else "text"
        return _show_settings(target_paths(args, config), config, fmt, out)
    render = _reporter(args.output_format)
    config = resolve_config(args)
    if _stdin(args):
        from qalint.stdin import check_stdin, read_input

        return check_stdin(args, config, out, err, read_input())
    if args.show_files:
        return show_files(args, config, out, err)
    options = RunOptions(
        check_urls=args.check_urls,
        use_cache=not args.no_cache,
        progress=not args.quiet,  # a bar on a terminal, a line every few seconds elsewhere
        force_exclude=args.force_exclude,
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
        docs_url=config.docs_url,
    )
    if not args.quiet:
        err.writelines(f"qalint: note: {note}\n" for note in result.notes)
    if args.statistics:
        from qalint.report.summary import statistics

        out.write(statistics(diagnostics, args.output_format))
    else:
        out.write(render(diagnostics, context))
    _closing(args, result, diagnostics, err)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if failed(diagnostics, args.fail_on, args.max_warnings) else EXIT_OK


def failed(
    diagnostics: list[Diagnostic], fail_on: str = "error", max_warnings: int | None = None
) -> bool:
    """True when the findings fail the run: one at ``fail_on`` severity or worse, or more
    warnings than ``max_warnings``."""
    levels = {"error"} if fail_on == "error" else {"error", "warning"}
    if any(d.severity.value in levels for d in diagnostics):
        return True
    warnings = sum(d.severity.value == "warning" for d in diagnostics)
    return max_warnings is not None and warnings > max_warnings


def _closing(
    args: argparse.Namespace, result: LintResult, diagnostics: list[Diagnostic], err: TextIO
) -> None:
    """After the report: the link-check totals on stderr, and the job summary in Actions."""
    if result.link_stats is not None and not args.quiet:
        err.write(result.link_stats.line() + "\n")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        from qalint.report.summary import job_summary, write_job_summary

        text = job_summary(diagnostics, result.files_checked, result.link_stats)
        problem = write_job_summary(text)
        if problem:
            err.write(f"qalint: warning: {problem}\n")


def show_files(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``--show-files``: the files a run would check, one per line (missing paths on stderr)."""
    from qalint.files import walk

    found = walk(
        target_paths(args, config), config.exclude, config.respect_gitignore, args.force_exclude
    )
    for problem in found.problems:
        err.write(f"qalint: {problem.message}\n")
    err.writelines(f"qalint: note: {note}\n" for note in found.notes)
    out.writelines(f"{shown}\n" for _, shown in found.files)
    return EXIT_OK


def cmd_fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint fix``: delegated to ``qalint.fix``."""
    from qalint.fix import fix_command

    _reporter(args.output_format)
    config = resolve_config(args)
    if _stdin(args):
        from qalint.stdin import fix_stdin, read_input

        return fix_stdin(args, config, out, err, read_input())
    if args.show_files:
        return show_files(args, config, out, err)
    return fix_command(args, config, target_paths(args, config), out, err)


def cmd_config(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint config [PATH]``: the site model each path is read with."""
    config = resolve_config(args)
    return _show_settings(list(args.paths) or ["."], config, args.output_format, out)


def _show_settings(paths: list[str], config: Config, fmt: str, out: TextIO) -> int:
    from qalint.site.show import show_settings

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    out.write(show_settings(paths, config, fmt))
    return EXIT_OK


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


def cmd_server(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qalint server``: the language server on stdin/stdout (needs the ``lsp`` extra)."""
    try:
        from qalint.lsp.server import serve
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in {"pygls", "lsprotocol"}:
            raise
        err.write(
            f"qalint: error: the language server needs pygls 2 and lsprotocol ({exc}); "
            "install qalint with its lsp extra (pip install '.[lsp]' in a clone of qalint), "
            "or: pip install pygls lsprotocol\n"
        )
        return EXIT_ERROR
    serve()
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
    "config": cmd_config,
    "rules": cmd_rules,
    "rule": cmd_rule,
    "server": cmd_server,
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
