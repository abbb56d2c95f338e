"""Values several rules derive from the same Document, computed once per document.

The engine hands every rule of one document the same ``RuleContext.state`` dict (and every
document of a run the same ``RuleContext.shared``, for what depends on the run only). ``once``
keeps a derived value there next to the object it was computed from (a Document, or one of
its Prose leaves), which the entry keeps alive so that its id cannot be reused; a state
shared across documents therefore never serves one document's value for another.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from qalint.document import Document
    from qalint.markdown.blocks import Node
    from qalint.rules.registry import RuleContext

K = TypeVar("K")
T = TypeVar("T")


def once(ctx: RuleContext, name: str, source: K, compute: Callable[[K], T]) -> T:
    """``compute(source)``, computed at most once per ``source`` object and ``name``."""
    table: dict[int, tuple[Any, Any]] = ctx.state.setdefault("memo." + name, {})
    entry = table.get(id(source))
    if entry is None or entry[0] is not source:
        entry = (source, compute(source))
        table[id(source)] = entry
    value: T = entry[1]
    return value


def per_run(ctx: RuleContext, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, at most once per run and ``key``: for what depends on the file system
    or the configuration only (a folder's real path, whether a link target exists), which
    many documents of a run ask for alike."""
    table: dict[Hashable, Any] = ctx.shared.setdefault("memo.run." + name, {})
    if key in table:
        value: T = table[key]
        return value
    value = table[key] = compute()
    return value


def section(ctx: RuleContext, name: str) -> dict[str, Any]:
    """The configuration section ``name`` (read once per run; rules must not modify it)."""
    key = "memo.section." + name
    values: dict[str, Any] | None = ctx.shared.get(key)
    if values is None:
        values = ctx.shared[key] = ctx.config.section(name)
    return values


def nodes(ctx: RuleContext, document: Document | None = None) -> list[Node]:
    """Every node of the document's block tree in document order (``root.walk()``)."""
    doc = document if document is not None else ctx.document
    return once(ctx, "nodes", doc, lambda d: _preorder(d.root))


def _preorder(root: Node) -> list[Node]:
    """``list(root.walk())`` without a generator per node."""
    out: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if node.children:
            stack.extend(node.children[::-1])
    return out
