"""Code and project URLs: find them, strip the punctuation prose glues onto them, and classify.

GitHub, GitLab, Bitbucket, Codeberg, Gitee and Hugging Face (models, datasets, spaces) URLs are
Repositories keyed ``host/owner/name`` (lowercased; deeper paths such as ``/tree/main/x`` belong
to the same repository); any other URL is a Website keyed by its normalized form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import add_candidate, text_of
from kg.extract.registry import rule_component

# Stops at whitespace, quotes, angle brackets and LaTeX braces ("\href{url}{text}" residue), and
# at a second scheme glued on ("…Synthesis.https://github.com/…").
_URL = re.compile(
    r"(?:https?[:;]?//|(?<![\w@/.])(?:www\.|github\.com/|gitlab\.com/|huggingface\.co/))"
    r"(?:(?!https?://)[^\s<>\"'{}|\\^`])+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"*"
REPO_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "huggingface.co"}
_HF_KINDS = {"datasets", "spaces"}


@dataclass(frozen=True)
class UrlMatch:
    start: int
    end: int
    url: str  # as written, trailing punctuation stripped, scheme added
    type: str  # "Repository" or "Website"
    key: str
    name: str


def _trim(url: str) -> str:
    """Strip trailing punctuation, keeping a closing bracket that closes one inside the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in ")]" and url.count("(" if last == ")" else "[") < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def classify(url: str) -> tuple[str, str, str]:
    """(type, key, display name) for a cleaned URL."""
    bare = re.sub(r"^https?[:;]?//", "", url, flags=re.IGNORECASE)
    host, _, path = bare.partition("/")
    host = host.lower().removeprefix("www.")
    parts = [p for p in path.split("/") if p]
    if host in REPO_HOSTS and parts:
        if host == "huggingface.co" and parts[0] in _HF_KINDS:
            owner_name = parts[:3]
        else:
            owner_name = parts[:2]
        if owner_name:
            owner_name[-1] = owner_name[-1].removesuffix(".git")
            name = "/".join(owner_name)
            return "Repository", f"{host}/{name}".lower(), name
    path = path.split("#")[0].rstrip("/")
    key = f"{host}/{path}" if path else host
    return "Website", key.lower() if not path else f"{host}/{path}", key


def find_urls(text: str) -> list[UrlMatch]:
    out = []
    for m in _URL.finditer(text):
        raw = _trim(m.group(0))
        if "." not in raw.split("//")[-1]:
            continue
        # "https;//github.com/…" (a typo seen in the samples) still names a repository
        url = re.sub(r"^https?[:;]?//", lambda m: m.group(0)[:-2].rstrip(":;") + "://", raw, flags=re.IGNORECASE)
        if not re.match(r"https?://", url, re.IGNORECASE):
            url = "https://" + url
        typ, key, name = classify(url)
        out.append(UrlMatch(m.start(), m.start() + len(raw), url, typ, key, name))
    return out


@rule_component("kg_urls", priority=0, default_config={"confidence": 0.99}, assigns=["doc._.kg_candidates"])
def make_urls(nlp: Language, name: str, confidence: float):
    def kg_urls(doc: Doc) -> Doc:
        for u in find_urls(text_of(doc)):
            add_candidate(doc, u.start, u.end, u.type, name, confidence, canonical=u.name, key=u.key, url=u.url)
        return doc

    return kg_urls
