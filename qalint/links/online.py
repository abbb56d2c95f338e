"""The online phase: collect each unique web URL across documents, check it, cache it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qalint.links.outcome import Outcome, Verdict
from qalint.links.settings import LinkSettings
from qalint.links.urls import is_web_url, split_fragment

from qalint.diagnostics import Span

if TYPE_CHECKING:
    from qalint.document import Document, Link

URL_KINDS = {"inline", "autolink", "bare", "definition"}


@dataclass(frozen=True)
class Occurrence:
    """One place a URL is written: the file, the URL's span and its offsets in the file text."""

    path: str
    url: str
    start: int
    end: int
    span: Span

    @property
    def fragment(self) -> str:
        """The ``#fragment`` of the URL as written ('' when none)."""
        return split_fragment(self.url)[1]


@dataclass
class OnlineResult:
    """Occurrences grouped by URL (fragment removed) and the outcome for each URL."""

    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    cache_rebuilt: bool = False


def url_location(document: Document, link: Link) -> tuple[str, int, int] | None:
    """``(url, start, end)``: the URL a link points to and its offsets in the file text."""
    if link.kind not in URL_KINDS or link.target_span is None:
        return None
    span = link.target_span
    start = document.source.offset(span.line, span.column)
    end = document.source.offset(span.end_line, span.end_column)
    written = document.text[start:end]
    if written.startswith("<") and written.endswith(">"):
        start, end, written = start + 1, end - 1, written[1:-1]
    if not written or written != link.target.strip("<>"):
        return None
    return written, start, end


def bare_urls(document: Document) -> list[Link]:
    """Bare URLs in prose, minus the destinations of reference definitions.

    The link scanner also reports a definition's URL (``[x]: https://...``) as a bare URL;
    those are written where a URL belongs and render nothing, so they are dropped here.
    """
    taken = {
        (link.target_span.line, link.target_span.column)
        for link in document.links
        if link.kind == "definition" and link.target_span is not None
    }
    return [
        link
        for link in document.links
        if link.kind == "bare" and (link.span.line, link.span.column) not in taken
    ]


def summarize(document: Document) -> list[list]:
    """The http(s) URLs written in a document (not in comments), JSON-safe for the cache.

    Each entry is ``[url, start, end, [line, column, end_line, end_column]]``.
    """
    out: list[list] = []
    bare = {id(link) for link in bare_urls(document)}
    for link in document.links:
        if link.kind == "bare" and id(link) not in bare:
            continue
        located = url_location(document, link)
        if located is None:
            continue
        url, start, end = located
        if not is_web_url(url):
            continue
        span = link.target_span or link.span
        out.append([url, start, end, [span.line, span.column, span.end_line, span.end_column]])
    return out


def collect(summaries: dict[str, list | None], settings: LinkSettings) -> dict[str, list[Occurrence]]:
    """Occurrences grouped by URL (fragment removed), minus excluded URLs, in path order."""
    found: dict[str, list[Occurrence]] = {}
    for path in sorted(summaries):
        for url, start, end, span in summaries[path] or []:
            if settings.excluded(url):
                continue
            base = split_fragment(url)[0]
            found.setdefault(base, []).append(Occurrence(path, url, start, end, Span(*span)))
    return found


def check_documents(
    documents: list[Document],
    settings: LinkSettings,
    cache_folder: Path,
    use_cache: bool,
    progress: bool,
) -> OnlineResult:
    """Check the URLs of parsed documents (see ``check_summaries``)."""
    summaries = {doc.path: summarize(doc) for doc in documents}
    return check_summaries(summaries, settings, cache_folder, use_cache, progress)


def check_summaries(
    summaries: dict[str, list | None],
    settings: LinkSettings,
    cache_folder: Path,
    use_cache: bool,
    progress: bool,
) -> OnlineResult:
    """Check every unique URL once; reuse fresh cached successes unless ``use_cache`` is off."""
    from qalint.links.cache import LinkCache
    from qalint.links.checker import LinkChecker, anchor_found
    from qalint.links.progress import Progress

    result = OnlineResult(collect(summaries, settings))
    wanted = {
        url: {o.fragment for o in occ if o.fragment} if settings.check_fragments else set()
        for url, occ in result.occurrences.items()
    }
    cache = LinkCache(cache_folder, settings.cache_ttl, settings.accept) if use_cache else None
    if cache is not None:
        for url, outcome in cache.get_many(wanted).items():
            fragments = wanted[url]
            if fragments and (
                outcome.anchors is None
                or not (
                    outcome.anchors_complete
                    or all(anchor_found(f, outcome.anchors) for f in fragments)
                )
            ):
                continue  # the cached check did not read far enough into the page
            result.outcomes[url] = outcome
        result.cache_rebuilt = cache.rebuilt
    todo = {url: wanted[url] for url in wanted if url not in result.outcomes}
    bar = Progress(len(todo), progress)
    checker = LinkChecker(
        settings, lambda o: bar.advance(o.verdict(settings.accept) is not Verdict.OK)
    )
    try:
        result.outcomes.update(checker.check(todo))
    finally:
        bar.finish()
        checker.close()
    if cache is not None:
        cache.put_many(result.outcomes[url] for url in todo)
        cache.close()
    return result
