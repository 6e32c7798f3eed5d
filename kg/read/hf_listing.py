"""Hugging Face paper-listing page dumps (huggingface.co/papers, Daily Papers).

Two layouts are seen in the wild: title and abstract on consecutive lines, or separated by blank
lines; both begin with page chrome ("Get trending papers…", "Subscribe", a date), and in the
first the first title is glued to "Subscribe". Chrome is dropped; the remaining lines pair up
as (title, abstract). A paper's source line is its title's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.errors import InputError
from kg.model import Paper, Source
from kg.read.ids import title_id

CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox once a day!",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
_DATE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(, \d{4})?$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_GLUED = re.compile(r"^Subscribe(?=\S)")
# A title is a heading, an abstract a paragraph: generous bounds that still catch a missing line.
MAX_TITLE = 400
MIN_ABSTRACT = 40
# Out of step (a paper listed without its abstract, or an abstract without its title) shifts every
# later pair: "We propose Beta…" becomes a title. Titles are headings (no sentence ends with a
# period, rarely over 250 characters); abstracts are prose (sentences ending in periods).
_PROSE = re.compile(r"\w{2}[.)] +[A-Z][^.]*[.?!)]\S*$")  # a sentence ends, another follows and ends
_SENTENCE_END = re.compile(r"\.(?:\s|$)")
MAX_HEADING = 250


def _reads_like_prose(line: str) -> bool:
    return len(line) > MAX_HEADING or bool(_PROSE.search(line))


def _reads_like_a_title(line: str) -> bool:
    return len(line) <= MAX_HEADING and not _SENTENCE_END.search(line)


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    # Lines end at \n, \r\n or \r only; str.splitlines() also breaks at U+2028, form feed…
    # inside an abstract, which would split it and shift every later line number.
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        line = raw.strip()
        if not line or line in CHROME or _DATE.match(line):
            continue
        yield number, _GLUED.sub("", line)


def parse(text: str, file: str, on_error: Callable[[InputError], None] | None = None) -> Iterator[Paper]:
    lines = list(_content_lines(text))
    if not lines:
        raise InputError(file, None, "no paper titles or abstracts found (only page chrome)")
    i = 0
    while i < len(lines):
        number, title = lines[i]
        problem = None
        if len(title) > MAX_TITLE:
            problem = f"expected a paper title, found a line of {len(title)} characters"
        elif _reads_like_prose(title):
            problem = (
                f"expected a paper title, found {title[:60]!r}, which reads like an abstract "
                "(titles and abstracts out of step: an abstract without its title?)"
            )
        elif i + 1 >= len(lines):
            problem = f"title {title[:60]!r} has no abstract line after it"
        elif len(lines[i + 1][1]) < MIN_ABSTRACT:
            problem = (
                f"title {title[:60]!r} is followed by {lines[i + 1][1][:60]!r}, which is too short to be its abstract"
            )
        elif _reads_like_a_title(lines[i + 1][1]):
            problem = (
                f"title {title[:60]!r} is followed by {lines[i + 1][1][:60]!r}, which looks like a "
                "title, not an abstract (titles and abstracts out of step: a paper without its abstract?)"
            )
        if problem:
            err = InputError(file, number, problem)
            if on_error is None:
                raise err
            on_error(err)
            i += 1  # resynchronise on the next line
            continue
        abstract = lines[i + 1][1]
        yield Paper(id=title_id(title), title=title, abstract=abstract, source=Source(file=file, line=number))
        i += 2
