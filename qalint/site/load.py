"""mkdocs.yml → SiteModel, and which site builds which page.

**Which mkdocs.yml.** For a page, qalint walks up from the page's folder; in each folder it
looks at ``mkdocs.yml``/``mkdocs.yaml`` there, and in a project's top (a folder holding a
mkdocs.yml or ``.git``) also at those one folder down (a site whose config sits in ``en/``
beside its docs, as with translations), and takes the first whose ``docs_dir`` holds the
page. The walk ends at the folder holding ``.git``, else at the file system's root. No
config builds the page: the Material default (``DEFAULT_SITE``). ``--mkdocs-config FILE``
or ``[tool.qalint] mkdocs-config`` names one config for every page instead;
``[tool.qalint.site]`` overrides single items.

**Once per run.** A ``SiteResolver`` loads each config file once and answers each folder
once, so a bank of thousands of pages costs a handful of YAML loads and ``stat`` calls.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from qalint.config import Config, ConfigError
from qalint.site.extensions import (
    PAGE_DIR,
    ExtensionsError,
    flags_from_extensions,
    math_renderer,
    normalise_extensions,
    unmodelled,
)
from qalint.site.model import DEFAULT_SITE, SiteModel
from qalint.site.plugins import PluginsError, jinja_syntax, normalise_plugins
from qalint.site.tags import MkDocsConfigError, RelativePath

MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")
# Folders never searched for a site config one level down (tools' and caches' folders).
NOT_SITES = {"node_modules", "__pycache__", "site", "venv"}
# Pages MkDocs never renders, whatever exclude_docs says (mkdocs.structure.files).
MKDOCS_DEFAULT_EXCLUDE = (".*", "/templates/")
OVERRIDE_KEYS = ("markdown-extensions", "math", "docs-dir", "exclude-docs")


def _resolve_placeholders(value: Any, config_dir: Path, docs_dir: Path) -> Any:
    """``!relative $config_dir`` / ``$docs_dir`` as absolute paths, anywhere in ``value``;
    a plain ``!relative`` (the page's folder) stays a placeholder."""
    if isinstance(value, RelativePath):
        if value.base == "page":
            return value
        root = config_dir if value.base == "config_dir" else docs_dir
        return os.path.normpath(os.path.join(root, value.suffix))
    if isinstance(value, Mapping):
        return {k: _resolve_placeholders(v, config_dir, docs_dir) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_placeholders(v, config_dir, docs_dir) for v in value]
    return value


def _docs_dir(value: Any, config_dir: Path, source: Path) -> Path:
    if value is None:
        value = "docs"
    if isinstance(value, RelativePath) and value.base == "config_dir":
        value = value.suffix or "."
    if not isinstance(value, str | os.PathLike) or isinstance(value, RelativePath):
        raise MkDocsConfigError(f"{source}: docs_dir must be a folder name, got {value!r}")
    return Path(os.path.normpath(os.path.join(config_dir, os.fspath(value))))


def site_from_mapping(
    data: Mapping[str, Any],
    config_path: Path,
    inherited_from: tuple[Path, ...] = (),
) -> SiteModel:
    """The SiteModel of an already merged mkdocs.yml mapping (``config_path`` anchors it)."""
    config_dir = config_path.parent
    docs_dir = _docs_dir(data.get("docs_dir"), config_dir, config_path)
    exclude = data.get("exclude_docs") or ""
    if not isinstance(exclude, str):
        raise MkDocsConfigError(
            f"{config_path}: exclude_docs must be a block of gitignore-style lines, got {exclude!r}"
        )
    try:
        extensions = normalise_extensions(data.get("markdown_extensions"))
    except ExtensionsError as exc:
        raise MkDocsConfigError(f"{config_path}: {exc}") from None
    extensions = tuple(
        (name, _resolve_placeholders(opts, config_dir, docs_dir)) for name, opts in extensions
    )
    try:
        plugins = normalise_plugins(data.get("plugins"))
    except PluginsError as exc:
        raise MkDocsConfigError(f"{config_path}: {exc}") from None
    flags = flags_from_extensions(extensions, config_dir, docs_dir)
    return SiteModel(
        config_path=config_path,
        docs_dir=docs_dir,
        exclude_docs=exclude,
        extensions=extensions,
        math=math_renderer(data.get("extra_javascript")),
        origin="mkdocs.yml",
        unmodelled=unmodelled(extensions),
        inherited_from=inherited_from,
        flags=replace(flags, jinja=jinja_syntax(plugins)),
        plugins=plugins,
    )


def load_site(path: Path) -> tuple[SiteModel, str]:
    """Load a mkdocs.yml (and what it INHERITs) into a SiteModel, with the digest of the
    files read (raises ``MkDocsConfigError`` naming the file and line)."""
    from qalint.site.yamlconfig import load_mkdocs_yaml  # PyYAML only when a config is read

    loaded = load_mkdocs_yaml(path)
    return site_from_mapping(loaded.data, loaded.path, loaded.chain[1:]), loaded.digest


def overrides_of(config: Config) -> dict[str, Any]:
    """The ``[tool.qalint.site]`` keys the config sets (validated when it was read)."""
    section = config.sections.get("site", {})
    return {k: section[k] for k in OVERRIDE_KEYS if section.get(k) is not None}


def apply_overrides(site: SiteModel, overrides: Mapping[str, Any], root: Path | None) -> SiteModel:
    """``site`` with the ``[tool.qalint.site]`` items put over it (origin ``override``)."""
    if not overrides:
        return site
    base = root or Path.cwd()
    docs_dir = site.docs_dir
    if "docs-dir" in overrides:
        docs_dir = Path(os.path.normpath(os.path.join(base, overrides["docs-dir"])))
    extensions = site.extensions
    if "markdown-extensions" in overrides:
        try:
            extensions = normalise_extensions(overrides["markdown-extensions"])
        except ExtensionsError as exc:
            raise ConfigError(f"site.markdown-extensions: {exc}") from None
    config_dir = site.config_path.parent if site.config_path else base
    return replace(
        site,
        docs_dir=docs_dir,
        exclude_docs=overrides.get("exclude-docs", site.exclude_docs),
        extensions=extensions,
        math=overrides.get("math", site.math),
        origin="override",
        unmodelled=unmodelled(extensions),
        flags=replace(
            flags_from_extensions(extensions, config_dir, docs_dir), jinja=site.flags.jinja
        ),
    )


def explicit_config(config: Config, cli: Path | None = None) -> Path | None:
    """The mkdocs.yml named by ``--mkdocs-config`` (relative to the working folder) or by
    ``[tool.qalint] mkdocs-config`` (relative to the config file's folder)."""
    if cli is not None:
        return Path(os.path.abspath(cli))
    if config.mkdocs_config:
        base = config.root or Path.cwd()
        return Path(os.path.normpath(os.path.join(base, config.mkdocs_config)))
    return None


class SiteResolver:
    """Which SiteModel renders each page, for one run: each config loaded once, each
    folder answered once. ``digest_of(site)`` is what the result cache keys on."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.overrides = overrides_of(config)
        self.explicit = explicit_config(config)
        self.default = apply_overrides(DEFAULT_SITE, self.overrides, config.root)
        self._loaded: dict[Path, tuple[SiteModel, str] | None] = {}
        # folder → the configs to try for pages in it, nearest first: (path, strict) pairs
        self._chains: dict[Path, tuple[tuple[Path, bool], ...]] = {}
        self._folders: dict[str, SiteModel] = {}  # a page's folder as written → its site
        self._digests: dict[int, str] = {id(self.default): "default"}
        self._fragments: dict[int, SiteModel] = {}  # id(site) -> its snippet-fragment variant
        # a page's folder as written → (does the site render names here, prefix in docs_dir)
        self._exclusion: dict[str, tuple[Callable[[str], bool] | None, str]] = {}
        self._matchers: dict[int, Callable[[str], bool]] = {}
        self._keep: list[SiteModel] = [self.default]  # ids stay valid while the run lasts
        self._used: dict[int, SiteModel] = {}  # sites some page got, in order
        self._reals: dict[str, str] = {}  # os.path.realpath, once per path for the run
        self.fixed: SiteModel | None = None
        if self.explicit is not None:
            self.fixed = self._load(self.explicit, strict=True)

    def _load(self, path: Path, strict: bool) -> SiteModel | None:
        if path not in self._loaded:
            try:
                site, digest = load_site(path)
            except MkDocsConfigError:
                if strict:
                    raise
                self._loaded[path] = None
                return None
            site = apply_overrides(site, self.overrides, self.config.root)
            self._loaded[path] = (site, digest)
            self._digests[id(site)] = digest
            self._keep.append(site)
        entry = self._loaded[path]
        return entry[0] if entry is not None else None

    def _chain(self, folder: Path) -> tuple[tuple[Path, bool], ...]:
        """The configs that may build pages in ``folder``, nearest first: its own; in a
        project's top (a folder holding a mkdocs.yml or ``.git``) also those one folder down
        (``strict`` False: a neighbour's broken config is not this page's problem); then
        its parent's chain, up to the folder holding ``.git``."""
        chain = self._chains.get(folder)
        if chain is not None:
            return chain
        own = [(folder / name, True) for name in MKDOCS_FILES if (folder / name).is_file()]
        top = (folder / ".git").exists()
        below = self._configs_below(folder) if own or top else []
        chain = (*own, *below)
        if folder.parent != folder and not top:
            chain += self._chain(folder.parent)
        self._chains[folder] = chain
        return chain

    @staticmethod
    def _configs_below(folder: Path) -> list[tuple[Path, bool]]:
        try:
            with os.scandir(folder) as entries:
                subfolders = sorted(
                    e.name
                    for e in entries
                    if not e.name.endswith((".md", ".markdown"))  # a bank's many pages
                    and not e.name.startswith(".")
                    and e.name not in NOT_SITES
                    and e.is_dir()
                )
        except OSError:
            return []
        return [
            (folder / name / file, False)
            for name in subfolders
            for file in MKDOCS_FILES
            if (folder / name / file).is_file()
        ]

    def site_for(self, page: Path | str) -> SiteModel:
        """The site whose build renders ``page`` (the default site when none does)."""
        if self.fixed is not None:
            self._used.setdefault(id(self.fixed), self.fixed)
            return self.fixed
        key = folder_of(page)
        site = self._folders.get(key)
        if site is None:
            site = self._search(Path(self._realpath(key)))
            self._folders[key] = site
            self._used.setdefault(id(site), site)
        return site

    def _realpath(self, path: str | Path) -> str:
        """``os.path.realpath`` of a folder, computed once per run (a folder walk asks for
        each folder's site and exclusions, and realpath costs a system call per level)."""
        key = os.fspath(path)
        real = self._reals.get(key)
        if real is None:
            real = self._reals[key] = os.path.realpath(key)
        return real

    def _search(self, folder: Path) -> SiteModel:
        loaded = []
        for candidate, strict in self._chain(folder):
            site = self._load(candidate, strict)
            if site is not None:
                if _inside(folder, site.docs_dir, self._realpath):
                    return site
                loaded.append(site)
        for site in loaded:  # no site renders the folder: is it one snippets include from?
            if site.flags.snippets and any(
                _inside(folder, Path(base), self._realpath)
                for base in site.flags.snippets_base_path
                if base != PAGE_DIR
            ):
                return self._fragment_of(site)
        return self.default

    def _fragment_of(self, site: SiteModel) -> SiteModel:
        """``site`` for a snippet fragment outside its docs_dir (same digest, one per site)."""
        fragment = self._fragments.get(id(site))
        if fragment is None:
            fragment = self._fragments[id(site)] = replace(site, snippet_fragment=True)
            self._digests[id(fragment)] = self._digests.get(id(site), "default")
            self._keep.append(fragment)
        return fragment

    def digest_of(self, site: SiteModel) -> str:
        """The digest of the config files a site was read from (``default`` for none)."""
        return self._digests.get(id(site), "default")

    def sites(self) -> list[SiteModel]:
        """Every site some page of this run got, in the order first used."""
        return list(self._used.values())

    def excluded(self, page: Path | str) -> bool:
        """True when the page's site does not render it (MkDocs' default excludes, and
        ``exclude_docs``, matched relative to ``docs_dir``)."""
        skip = self.skipped_in(folder_of(page))
        return skip is not None and skip(os.path.basename(page))

    def skipped_in(self, folder: str) -> Callable[[str], bool] | None:
        """For a folder walk: which file names in ``folder`` its site does not render
        (None when it renders them all, as for every page of the default site)."""
        entry = self._exclusion.get(folder)
        if entry is None:
            entry = self._exclusion_in(folder, self.site_for(os.path.join(folder, "_")))
            self._exclusion[folder] = entry
        matcher, prefix = entry
        if matcher is None:
            return None
        return lambda name: matcher(prefix + name)

    def _exclusion_in(
        self, folder: str, site: SiteModel
    ) -> tuple[Callable[[str], bool] | None, str]:
        if site.docs_dir is None:
            return None, ""
        try:
            inner = Path(self._realpath(folder)).relative_to(self._realpath(site.docs_dir))
        except ValueError:
            return None, ""  # outside docs_dir (a config named with --mkdocs-config)
        matcher = self._matchers.get(id(site))
        if matcher is None:
            matcher = exclusion_matcher(site.exclude_docs)
            self._matchers[id(site)] = matcher
        return matcher, inner.as_posix() + "/" if inner.parts else ""

    def notes(self) -> list[str]:
        """One line per site in use that enables extensions qalint does not model."""
        notes = (unmodelled_note(site) for site in self.sites() if site.unmodelled)
        return list(dict.fromkeys(notes))  # a site and its snippet fragments: one note


def exclusion_matcher(exclude_docs: str) -> Callable[[str], bool]:
    """Whether a path relative to docs_dir matches MkDocs' default excludes or
    ``exclude_docs`` (gitignore rules, as MkDocs matches them with pathspec)."""
    if not exclude_docs.strip():
        return _default_excluded  # the common case needs no gitignore engine
    spec = gitignore_spec([*MKDOCS_DEFAULT_EXCLUDE, *exclude_docs.splitlines()], "exclude_docs")
    patterns = [p for p in spec.patterns if p.include is not None]
    if all(p.include for p in patterns) and all(
        isinstance(getattr(p, "regex", None), re.Pattern) for p in patterns
    ):
        # No negation: a path is excluded when any pattern matches, so one regex does
        # (thousands of pages are matched against it in a folder walk).
        combined = "|".join(
            f"(?:{p.regex.pattern.replace('(?P<ps_d>', '(?:')})"  # type: ignore[attr-defined]
            for p in patterns
        )
        regex = re.compile(combined or r"(?!)")
        return lambda path: regex.match(path) is not None
    return spec.match_file


def _default_excluded(path: str) -> bool:
    """MkDocs' default excludes (``.*`` and ``/templates/``) as gitignore reads them: any
    part of the path that starts with a dot, or anything under docs_dir's ``templates``."""
    parts = path.split("/")
    return any(part.startswith(".") for part in parts) or (
        len(parts) > 1 and parts[0] == "templates"
    )


def gitignore_spec(lines: list[str], setting: str) -> Any:
    """A pathspec ``GitIgnoreSpec`` of ``lines``; a clear configuration error naming
    ``setting`` when pathspec (a dependency of qalint) is not installed."""
    try:
        import pathspec
    except ImportError:
        raise MkDocsConfigError(
            f"mkdocs.yml sets {setting}, which qalint matches with the pathspec package; "
            "it is not installed: python3 -m pip install pathspec"
        ) from None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def folder_of(page: Path | str) -> str:
    """``os.path.dirname(page) or "."``, faster (called for every page of a run)."""
    text = os.fspath(page)
    if os.altsep is None:
        head, sep, _ = text.rpartition(os.sep)
        return head or sep or "."
    return os.path.dirname(text) or "."


def shown_path(path: Path) -> str:
    """A path as output shows it: relative to the working folder when inside it."""
    try:
        relative = Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative == ".." or relative.startswith("../") else relative


def unmodelled_note(site: SiteModel) -> str:
    """``mkdocs.yml enables X, which qalint does not model; ...`` (one line, for a note)."""
    where = shown_path(site.config_path) if site.config_path else "[tool.qalint.site]"
    them = "it" if len(site.unmodelled) == 1 else "them"
    return (
        f"{where} enables {', '.join(site.unmodelled)}, which qalint does not model; "
        f"findings on pages using {them} may be off"
    )


def _inside(
    folder: Path, docs_dir: Path | None, realpath: Callable[[str], str] = os.path.realpath
) -> bool:
    if docs_dir is None:
        return False
    real = Path(realpath(os.fspath(docs_dir)))
    return folder == real or folder.is_relative_to(real)


def site_for_path(path: Path | str, config: Config | None = None) -> SiteModel:
    """The site that renders one page (a resolver for a single question)."""
    return SiteResolver(config or Config()).site_for(Path(path))


def given_site(site: SiteModel | str | os.PathLike[str] | None, config: Config) -> SiteModel:
    """The site for a text with no file of its own (``qalint.lint_text`` and friends):
    ``site`` itself, the mkdocs.yml it names, else the config's ``mkdocs-config``, else the
    default site (with ``[tool.qalint.site]`` applied in the last two cases)."""
    if isinstance(site, SiteModel):
        return site
    if site is not None:
        loaded, _ = load_site(Path(os.path.abspath(site)))
        return apply_overrides(loaded, overrides_of(config), config.root)
    if not config.mkdocs_config and not overrides_of(config):
        return DEFAULT_SITE
    resolver = SiteResolver(config)
    return resolver.fixed or resolver.default
