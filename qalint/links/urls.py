"""URL helpers: schemes, hosts, fragments and which targets look like web addresses."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WWW_RE = re.compile(r"^www\d?\.[A-Za-z0-9-]+\.[A-Za-z]", re.I)
DANGEROUS_SCHEMES = {"javascript", "vbscript"}
PATH_EXTENSION_RE = re.compile(
    r"\.(?:md|markdown|html?|png|jpe?g|gif|svg|webp|pdf|txt|ipynb)$", re.I
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
# A bare URL with balanced parentheses (``/wiki/Dropout_(neural_networks)``), as
# pymdownx.magiclink reads it; trailing punctuation is not part of the URL.
BARE_WITH_PARENS_RE = re.compile(r"(?:[^\s<>()\[\]`]|\([^\s<>()\[\]`]*\))*")
BARE_TRAILING = ".,;:!?'\"*_"

# Hosts that serve every page over https, so ``http://`` there is only ever a downgrade.
# A shipped list (not "any host") keeps the offline rule free of false findings; projects
# add their own hosts with ``links.https-hosts``. Subdomains match (en.wikipedia.org).
HTTPS_HOSTS = frozenset(
    {
        "arxiv.org",
        "github.com",
        "gitlab.com",
        "githubusercontent.com",
        "github.io",
        "wikipedia.org",
        "wikimedia.org",
        "stackexchange.com",
        "stackoverflow.com",
        "mathoverflow.net",
        "python.org",
        "pypi.org",
        "readthedocs.io",
        "readthedocs.org",
        "pytorch.org",
        "tensorflow.org",
        "keras.io",
        "scikit-learn.org",
        "numpy.org",
        "scipy.org",
        "pandas.pydata.org",
        "huggingface.co",
        "kaggle.com",
        "medium.com",
        "towardsdatascience.com",
        "youtube.com",
        "youtu.be",
        "google.com",
        "microsoft.com",
        "mozilla.org",
        "w3.org",
        "openai.com",
        "deepmind.com",
        "distill.pub",
        "nature.com",
        "sciencedirect.com",
        "springer.com",
        "acm.org",
        "ieee.org",
        "jstor.org",
        "doi.org",
        "semanticscholar.org",
        "researchgate.net",
        "paperswithcode.com",
        "openreview.net",
        "neurips.cc",
        "aclanthology.org",
        "mit.edu",
        "stanford.edu",
        "berkeley.edu",
        "cmu.edu",
        "harvard.edu",
        "ox.ac.uk",
        "cam.ac.uk",
        "coursera.org",
        "edx.org",
        "mkdocs.org",
        "squidfunk.github.io",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "reddit.com",
        "quora.com",
        "amazon.com",
        "aws.amazon.com",
        "nvidia.com",
    }
)


def scheme(target: str) -> str | None:
    """The lower-case scheme of a URL (``https``), or None for a relative reference."""
    m = SCHEME_RE.match(target)
    if not m:
        return None
    # A Windows drive letter (C:\x) is not a scheme.
    if len(m.group(1)) == 1:
        return None
    return m.group(1).lower()


def is_web_url(target: str) -> bool:
    """True for an absolute http(s) URL: the only kind qalint fetches."""
    return scheme(target) in {"http", "https"} and "//" in target[:9]


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``; the fragment excludes the ``#``."""
    base, sep, fragment = url.partition("#")
    return base, fragment if sep else ""


def host_of(url: str) -> str:
    """The lower-case host of an absolute URL ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_matches(host: str, domains: frozenset[str] | set[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


def looks_like_address(target: str) -> bool:
    """True when a link target reads as a URL or file path, not as prose in parentheses."""
    if not target or " " in target.strip():
        return bool(scheme(target) or WWW_RE.match(target))
    return bool(
        scheme(target)
        or WWW_RE.match(target)
        or target.startswith(("/", "./", "../", "#"))
        or PATH_EXTENSION_RE.search(target.split("#")[0].split("?")[0])
    )


def missing_scheme_host(target: str, known_hosts: frozenset[str] | set[str]) -> str | None:
    """The host when a relative target is really a web address (``www.x.org/a``), else None."""
    if scheme(target) or target.startswith(("/", ".", "#")):
        return None
    first = target.split("/", 1)[0].split("#", 1)[0].split("?", 1)[0]
    if WWW_RE.match(first):
        return first.lower()
    if "." in first and host_matches(first, known_hosts) and not PATH_EXTENSION_RE.search(first):
        return first.lower()
    return None


def local_path(target: str) -> tuple[str, str] | None:
    """``(decoded path, fragment)`` of a relative link to a file, or None for anything else.

    Site-absolute paths (``/x``) are left alone: they depend on where the site is served.
    """
    if not target or scheme(target) or target.startswith(("/", "\\")):
        return None
    base, fragment = split_fragment(target)
    base = base.split("?", 1)[0]
    return unquote(base), unquote(fragment)


def bare_url_end(text: str, start: int, end: int) -> int:
    """Where a bare URL found at ``text[start:end]`` really ends.

    The scanner stops a bare URL at the first parenthesis; magiclink (and a reader) take
    balanced parentheses as part of it, as in Wikipedia's ``Dropout_(neural_networks)``.
    """
    m = BARE_WITH_PARENS_RE.match(text, start)
    stop = m.end() if m else end
    while stop > end and text[stop - 1] in BARE_TRAILING:
        stop -= 1
    return stop if "(" in text[end:stop] else end


_URL_WORD_RE = re.compile(r"(?:https?://|www\.)\S", re.I)


def text_around_url(target: str) -> tuple[str, str, str] | None:
    """``(before, url, after)`` for a target that is words, then a web address, as in
    ``Dataset: https://kaggle.com/x``; None when the target starts with an address (or holds
    none). The rendered href is the whole target, which is no URL at all."""
    words = target.split()
    if len(words) < 2 or _URL_WORD_RE.match(words[0]) or scheme(words[0]) in {"http", "https"}:
        return None
    for index, word in enumerate(words[1:], start=1):
        if _URL_WORD_RE.match(word):
            return " ".join(words[:index]), word, " ".join(words[index + 1 :])
    return None
