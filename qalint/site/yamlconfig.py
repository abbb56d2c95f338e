"""Reading a ``mkdocs.yml`` as MkDocs reads it, without executing anything it names.

MkDocs loads its config with PyYAML's full loader, so ``!!python/name:pkg.func`` imports
``pkg`` and ``!!python/object/apply:f [args]`` calls ``f``. qalint only needs to *know* what
the file says, so it uses a ``SafeLoader`` subclass in which every ``python/`` tag becomes an
inert placeholder (a name and the arguments as plain data), ``!ENV`` is resolved from the
environment exactly as pyyaml-env-tag resolves it, and ``!relative`` becomes a placeholder
resolved the way MkDocs resolves it (``$config_dir``, ``$docs_dir``, or the page's folder).
``INHERIT:`` is followed (relative to the file that names it) and merged as MkDocs merges it
(mergedeep's replace strategy: mappings merge key by key, the child wins, lists are replaced).

Every problem (unreadable file, bad YAML, a missing or cyclic INHERIT) is a
``MkDocsConfigError`` naming the file and, from YAML, the line.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qalint.site.tags import MkDocsConfigError, PythonTag, RelativePath

__all__ = ["LoadedYaml", "MkDocsConfigError", "MkDocsLoader", "load_mkdocs_yaml"]


class MkDocsLoader(yaml.SafeLoader):
    """SafeLoader plus MkDocs' tags, none of which runs or imports anything."""


def _python_tag(loader: MkDocsLoader, suffix: str, node: yaml.Node) -> PythonTag:
    kind, _, name = suffix.partition(":")
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return PythonTag(kind, name, value)


def _env_tag(loader: MkDocsLoader, node: yaml.Node) -> Any:
    """``!ENV VAR`` / ``!ENV [VAR, VAR2, default]``, as pyyaml-env-tag 1.1 resolves them."""
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a scalar or sequence node, but found {node.id}", node.start_mark
        )
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _relative_tag(loader: MkDocsLoader, node: yaml.Node) -> RelativePath:
    value = str(loader.construct_scalar(node) or "")  # type: ignore[arg-type]
    prefix, _, suffix = value.partition("/")
    if prefix.startswith("$"):
        if prefix in {"$config_dir", "$docs_dir"}:
            return RelativePath(prefix[1:], suffix)
        raise yaml.constructor.ConstructorError(
            None, None, f"unknown prefix {prefix!r} in !relative {value!r}", node.start_mark
        )
    if value:
        raise yaml.constructor.ConstructorError(
            None, None, f"'!relative' tag does not expect any value; got {value!r}", node.start_mark
        )
    return RelativePath("page")


# libyaml's parser, where PyYAML was built with it, reads a mkdocs.yml about ten times faster;
# the constructors (what a node becomes, the tags above) are the same Python code.
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)


class _FastMkDocsLoader(_CSafeLoader or yaml.SafeLoader):  # type: ignore[misc]
    """``MkDocsLoader`` with libyaml's parser (the pure one where libyaml is missing)."""


for _loader in (MkDocsLoader, _FastMkDocsLoader):
    _loader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)
    _loader.add_constructor("!ENV", _env_tag)
    _loader.add_constructor("!relative", _relative_tag)


def _parse(data: bytes) -> Any:
    """The YAML document in ``data``; a problem is raised by the pure-Python loader, so its
    message and line are PyYAML's own whichever parser read the file first."""
    if _CSafeLoader is not None:
        try:
            return yaml.load(data, Loader=_FastMkDocsLoader)  # a SafeLoader too: runs nothing
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            pass  # read again below, for the pure loader's wording of the problem
    return yaml.load(data, Loader=MkDocsLoader)  # a SafeLoader subclass: runs nothing


@dataclass(frozen=True)
class LoadedYaml:
    """A config with its INHERIT chain merged in.

    ``chain``: the files read, the named one first, then each file it inherits from;
    ``digest``: of their paths and bytes (a result depends on all of them).
    """

    path: Path
    data: dict[str, Any]
    chain: tuple[Path, ...]
    digest: str


def deep_merge(parent: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``mergedeep.merge(parent, child)`` (Strategy.REPLACE), as MkDocs merges INHERIT:
    mappings merge key by key, anything else in the child replaces the parent's value."""
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(parent.get(key), Mapping):
            parent[key] = deep_merge(dict(parent[key]), value)
        else:
            parent[key] = copy.deepcopy(value)
    return parent


def _read(path: Path) -> tuple[bytes, dict[str, Any]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MkDocsConfigError(f"{path}: MkDocs config file not found") from None
    except OSError as exc:
        raise MkDocsConfigError(
            f"{path}: cannot read MkDocs config file: {exc.strerror or exc}"
        ) from None
    try:
        loaded = _parse(data)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise MkDocsConfigError(f"{where}: invalid MkDocs config: {problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise MkDocsConfigError(f"{path}: invalid MkDocs config: {exc}") from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise MkDocsConfigError(
            f"{path}: invalid MkDocs config: expected a mapping of settings at the top, "
            f"got {type(loaded).__name__}"
        )
    return data, loaded


def load_mkdocs_yaml(path: Path) -> LoadedYaml:
    """Read ``path`` and every file it INHERITs from, merged as MkDocs merges them."""
    path = Path(os.path.abspath(path))
    hasher = hashlib.sha256()
    chain: list[Path] = []
    seen: set[Path] = set()
    layers: list[dict[str, Any]] = []
    current = path
    while True:
        real = current.resolve()
        if real in seen:
            names = " -> ".join(str(p) for p in [*chain, current])
            raise MkDocsConfigError(f"{chain[-1]}: INHERIT forms a cycle: {names}")
        seen.add(real)
        raw, data = _read(current)
        hasher.update(str(current).encode("utf-8", "surrogateescape") + b"\0" + raw + b"\0")
        chain.append(current)
        parent = data.pop("INHERIT", None)
        layers.append(data)
        if parent is None:
            break
        if not isinstance(parent, str) or not parent:
            raise MkDocsConfigError(f"{current}: INHERIT must name a file, got {parent!r}")
        target = Path(os.path.normpath(current.parent / parent))
        if not target.exists():
            raise MkDocsConfigError(
                f"{current}: inherited config file '{parent}' does not exist at '{target}'"
            )
        current = target
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = deep_merge(merged, layer)
    return LoadedYaml(path, merged, tuple(chain), hasher.hexdigest())
