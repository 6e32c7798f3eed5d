"""Issue 19's API readers on responses in each API's documented shape (tests/data/api/): every
field each reader keeps, detection by content whatever the file is called, --format, and the
errors a malformed API record gives."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import FORMATS, detect_format, read_file, read_papers
from kg.read.openalex import abstract as rebuilt_abstract
from kg.read.text import read_head

API = Path(__file__).parent / "data" / "api"


def _read(path: Path, fmt: str | None = None) -> tuple[list, list[str], list[str]]:
    errors: list[InputError] = []
    warnings: list[str] = []
    papers = list(read_file(path, fmt, on_error=errors.append, on_warning=warnings.append))
    return papers, [str(e) for e in errors], warnings


def test_every_api_format_is_a_reader_format():
    assert {"hf-daily", "semantic-scholar", "openalex", "arxiv-atom", "json", "jsonl"} <= set(FORMATS)


# -- Hugging Face -----------------------------------------------------------------------------------

def test_hf_daily_papers_keep_every_field():
    papers, errors, warnings = _read(API / "hf_daily_2024-10-18.json")
    assert errors == []
    janus, movie, judge, uber = papers
    assert janus.id == janus.arxiv_id == "2410.13848"
    assert janus.title == "Janus: Decoupling Visual Encoding for Unified Multimodal Understanding and Generation"
    # the abstract is paper.summary, its PDF line breaks folded
    assert janus.abstract.startswith("In this paper, we introduce Janus, an autoregressive framework that unifies "
                                     "multimodal understanding")
    assert "\n" not in janus.abstract
    assert janus.authors[:2] == ["Chengyue Wu", "Xiaokang Chen"] and len(janus.authors) == 11
    assert janus.authors[-1] == "Ping Luo"  # a hidden HF account is still an author
    assert janus.date == "2024-10-17"  # the paper's publishedAt, not the day it was listed
    assert janus.url == "https://huggingface.co/papers/2410.13848"
    assert janus.links == ["https://huggingface.co/papers/2410.13848", "https://arxiv.org/abs/2410.13848",
                           "https://github.com/deepseek-ai/Janus"]
    assert (janus.upvotes, janus.num_comments, janus.code_url) == (61, 3, "https://github.com/deepseek-ai/Janus")
    assert (janus.source.line, janus.source.pointer) == (2, "/0")
    assert movie.project_page == "https://ai.meta.com/research/movie-gen/" and movie.code_url is None
    assert (movie.upvotes, movie.num_comments) == (94, 0)
    # githubRepo at the item's level, authors missing
    assert judge.code_url == "https://github.com/ScalerLab/JudgeBench" and judge.authors == []
    assert uber.title.endswith("und 中文") and uber.authors == ["Jürgen Müller", "Łucja Wróbel", "张伟"]
    assert uber.abstract == "" and uber.upvotes == 0
    assert warnings == [f"{API / 'hf_daily_2024-10-18.json'}: 1 record has no abstract: kept with its title"]


def test_hf_bare_paper_object_alone_and_in_an_array(tmp_path):
    (p,) = read_papers([API / "hf_paper_2410.13848.json"], on_warning=None)
    assert (p.id, p.upvotes, p.num_comments, p.source.line, p.source.pointer) == ("2410.13848", 61, 3, 1, None)
    assert p.abstract.startswith("In this paper, we introduce Janus")
    bare = json.loads((API / "hf_paper_2410.13848.json").read_text())
    f = tmp_path / "papers.json"
    f.write_text(json.dumps([bare, {**bare, "id": "2410.13849", "upvotes": 2}]))
    a, b = read_papers([f], on_warning=None)
    assert (a.id, b.id, b.upvotes, b.source.pointer) == ("2410.13848", "2410.13849", 2, "/1")


# -- Semantic Scholar -------------------------------------------------------------------------------

def test_semantic_scholar_pretty_printed_paper_keeps_every_field():
    (p,) = read_papers([API / "s2_paper_1706.03762.json"], on_warning=None)
    assert p.id == p.arxiv_id == "1706.03762"  # the arXiv id, not the paperId, where there is one
    assert p.title == "Attention is All you Need" and p.abstract.startswith("The dominant sequence transduction")
    assert p.authors[:3] == ["Ashish Vaswani", "Noam M. Shazeer", "Niki Parmar"] and len(p.authors) == 8
    assert p.date == "2017-06-12" and p.venue == "Neural Information Processing Systems"
    assert p.url == "https://www.semanticscholar.org/paper/204e3073870fae3d05bcbc2f6a8e263d9b72e776"
    assert p.links == [p.url, "https://arxiv.org/abs/1706.03762"]
    assert p.categories == ["Computer Science", "Linguistics"]
    assert p.journal_ref is None  # S2 names arXiv as a preprint's journal
    assert (p.source.line, p.source.pointer) == (1, None)


def test_semantic_scholar_search_page_on_one_line():
    f = API / "s2_search_page.json"
    papers, errors, warnings = _read(f)
    assert errors == [] and [p.source.pointer for p in papers] == [f"/data/{i}" for i in range(4)]
    assert {p.source.line for p in papers} == {1}
    bert, resnet, untitled, dpo = papers
    assert (bert.id, bert.doi, bert.journal_ref) == ("1810.04805", "10.18653/v1/N19-1423", None)
    assert bert.links[-1] == "https://doi.org/10.18653/v1/N19-1423"
    # no arXiv id: the paperId; a null abstract kept with its title; only a year: the year
    assert resnet.id == "e7b8a5c1b1d0c2a6f3a9e8d7c6b5a4f3e2d1c0b9" and resnet.arxiv_id is None
    assert (resnet.abstract, resnet.date, resnet.doi) == ("", "2016", "10.1109/CVPR.2016.90")
    # an id with an empty title is accepted; an empty venue is no venue
    assert (untitled.title, untitled.authors, untitled.venue) == ("", [], None)
    assert untitled.abstract.startswith("We study scaling laws")
    assert "https://arxiv.org/pdf/2305.18290" in dpo.links
    assert warnings == [f"{f}: 1 record has no abstract: kept with its title"]


def test_semantic_scholar_bulk_page_and_batch_array():
    papers, errors, warnings = _read(API / "s2_bulk_page.json")
    assert [(p.id, p.source.line, p.source.pointer) for p in papers] == [
        ("2307.09288", 5, "/data/0"), ("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", 22, "/data/1")]
    assert papers[1].title == "Réseaux de neurones pour la traduction : une étude" and papers[1].date == "2021"
    papers, errors, warnings = _read(API / "s2_batch.json")
    assert [p.id for p in papers] == ["1810.04805", "1706.03762"] and errors == []
    assert warnings == [f"{API / 's2_batch.json'}: 1 null record (not found by the API): skipped"]


# -- OpenAlex ---------------------------------------------------------------------------------------

def test_openalex_works_page_keeps_every_field():
    f = API / "openalex_works_page.json"
    (gpt4, resnet), errors, warnings = _read(f)
    assert errors == []
    assert gpt4.id == gpt4.arxiv_id == "2303.08774"  # an arXiv copy among its locations
    assert gpt4.title == "GPT-4 Technical Report"
    assert gpt4.abstract == ("We report the development of GPT-4, a large-scale, multimodal model which can accept "
                             "image and text inputs and produce text outputs. GPT-4 exhibits human-level performance "
                             "on various professional and academic benchmarks.")
    assert gpt4.authors == ["OpenAI", "Josh Achiam"] and gpt4.date == "2023-03-15"
    assert gpt4.doi == "10.48550/arxiv.2303.08774" and gpt4.venue == "arXiv (Cornell University)"
    assert gpt4.url == "https://arxiv.org/abs/2303.08774"
    assert gpt4.links == ["https://arxiv.org/abs/2303.08774", "https://arxiv.org/pdf/2303.08774",
                          "https://doi.org/10.48550/arxiv.2303.08774", "https://openalex.org/W4327810158"]
    assert gpt4.categories == ["Natural Language Processing Techniques", "Topic Modeling"]
    assert (gpt4.source.line, gpt4.source.pointer) == (10, "/results/0")
    # no arXiv copy: the OpenAlex id; no abstract; concepts where there are no topics
    assert resnet.id == "W2194775991" and resnet.abstract == "" and resnet.arxiv_id is None
    assert resnet.categories == ["Residual neural network", "Computer science"]
    assert resnet.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert f.read_text().splitlines()[resnet.source.line - 1].strip() == "{"
    assert warnings == [f"{f}: 1 record has no abstract: kept with its title"]


def test_openalex_single_work():
    (w,) = read_papers([API / "openalex_work.json"], on_warning=None)
    assert (w.id, w.title, w.authors, w.doi, w.venue) == (
        "W3177828909", "Über neuronale Netze: Lernen mit wenig Daten", ["Jürgen Müller"], None, None)
    assert w.abstract == "Wir lernen mit wenig Daten; lernen schnell."
    assert w.url == "https://example.org/papers/42" and w.date == "2021-07-01"


def test_inverted_index_is_rebuilt_without_a_list_as_long_as_its_largest_position():
    assert rebuilt_abstract({"b": [1], "a": [0], "c": [10**12]}) == "a b c"
    assert rebuilt_abstract(None) == "" and rebuilt_abstract({}) == ""
    with pytest.raises(ValueError, match="positions"):
        rebuilt_abstract({"a": ["0"]})


# -- arXiv ------------------------------------------------------------------------------------------

def test_arxiv_feed_keeps_categories_comment_doi_and_journal_ref():
    (attention, bert), errors, warnings = _read(API / "arxiv_feed.xml")
    assert (attention.categories, attention.primary_category) == (["cs.CL", "cs.LG"], "cs.CL")
    assert attention.comment == "15 pages, 5 figures"
    assert attention.journal_ref == "Advances in Neural Information Processing Systems 30 (NIPS 2017)"
    assert attention.doi is None and bert.doi == "10.18653/v1/N19-1423"
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert (bert.id, bert.arxiv_id, bert.source.line) == ("1810.04805", "1810.04805v2", 34)
    assert errors == warnings == []


def test_arxiv_error_feed_is_an_error_not_a_paper():
    f = API / "arxiv_error.xml"
    with pytest.raises(InputError) as err:
        list(read_papers([f]))
    assert str(err.value) == f"{f}: arXiv API error: incorrect id format for 1234.12345"
    errors: list[InputError] = []
    assert list(read_papers([f], on_error=errors.append)) == [] and [str(e) for e in errors] == [str(err.value)]


def test_arxiv_rate_limit_body_is_an_error(tmp_path):
    f = tmp_path / "page.xml"
    f.write_text("Rate exceeded.\n")
    with pytest.raises(InputError, match=r"page\.xml: arXiv API error: Rate exceeded\."):
        list(read_papers([f]))


def test_arxiv_empty_feed_warns():
    f = API / "arxiv_empty.xml"
    papers, errors, warnings = _read(f)
    assert papers == [] and errors == []
    assert warnings == [f"{f}: the arXiv feed has no entries (opensearch:totalResults 0) for the query "
                        "'search_query=all:qwertyuiopasdf&id_list=&start=0&max_results=10'"]


# -- detection by content, --format -----------------------------------------------------------------

@pytest.mark.parametrize("fixture, fmt", [
    ("hf_daily_2024-10-18.json", "hf-daily"),
    ("hf_paper_2410.13848.json", "hf-daily"),
    ("s2_paper_1706.03762.json", "semantic-scholar"),
    ("s2_search_page.json", "semantic-scholar"),
    ("s2_bulk_page.json", "semantic-scholar"),
    ("s2_batch.json", "semantic-scholar"),
    ("openalex_works_page.json", "openalex"),
    ("openalex_work.json", "openalex"),
    ("arxiv_feed.xml", "arxiv-atom"),
])
@pytest.mark.parametrize("name", ["response.txt", "response.xml", "response.jsonl", "response"])
def test_detected_by_content_whatever_the_name(fixture, fmt, name, tmp_path):
    f = tmp_path / name
    shutil.copy(API / fixture, f)
    assert detect_format(f, read_head(f)) == fmt
    expected = [p.id for p in read_papers([API / fixture], on_warning=None)]
    assert [p.id for p in read_papers([f], on_warning=None)] == expected and expected


def test_plain_records_and_kg_outputs_are_not_taken_for_an_api(tmp_path):
    f = tmp_path / "papers.jsonl"
    f.write_text(json.dumps({"id": "a", "title": "T", "abstract": "We use BERT.", "upvotes": 3, "doi": "10.1/x",
                             "categories": ["cs.CL"], "code_url": "https://github.com/a/b"}) + "\n")
    assert detect_format(f, read_head(f)) == "jsonl"
    (p,) = read_papers([f])  # what kg fetch writes reads back whole
    assert (p.upvotes, p.doi, p.categories, p.code_url) == (3, "10.1/x", ["cs.CL"], "https://github.com/a/b")
    f.write_text(json.dumps({"id": "a", "title": "T", "abstract": 'She wrote "paperId": 5 in the text.'}) + "\n")
    assert detect_format(f, read_head(f)) == "jsonl"


def test_forced_format_reads_what_detection_would_not(tmp_path):
    f = tmp_path / "one.json"  # a paper with only the fields asked for: no key says Semantic Scholar
    f.write_text(json.dumps({"paperId": "abc", "title": "T", "authors": [{"authorId": "1", "name": "A B"}]}))
    (p,) = read_papers([f], fmt="semantic-scholar", on_warning=None)
    assert (p.id, p.authors) == ("abc", ["A B"])
    with pytest.raises(InputError, match="'authors' must be a list of strings"):
        list(read_papers([f], fmt="json"))  # forced plain records


# -- malformed API records --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, record, message", [
    ("semantic-scholar", {"paperId": "a", "title": ["T"]}, "'title' must be a string, not list"),
    ("semantic-scholar", {"title": "T", "abstract": "x"}, "paper has no 'paperId'"),
    ("semantic-scholar", {"paperId": "a", "title": "T", "externalIds": "x"}, "'externalIds' must be an object"),
    ("semantic-scholar", {"paperId": "a", "title": "T", "authors": [1]}, "'authors' must be a list of objects"),
    ("hf-daily", {"paper": {"title": "T", "summary": "x"}}, "paper has no 'id'"),
    ("hf-daily", {"paper": {"id": "2410.1", "title": "T", "upvotes": -1}}, r"'upvotes' must be a count"),
    ("hf-daily", {"paper": {"id": "2410.1", "title": "T", "upvotes": True}}, r"'upvotes' must be a count"),
    ("openalex", {"display_name": "T"}, "work has no 'id'"),
    ("openalex", {"id": "https://openalex.org/W1", "title": "T", "abstract_inverted_index": [1]},
     "'abstract_inverted_index' must be an object"),
    ("openalex", {"id": "https://openalex.org/W1", "title": "T", "authorships": [{"author": 3}]},
     "'author' must be an object"),
    ("openalex", {"id": "https://openalex.org/W1", "title": "", "abstract_inverted_index": None},
     "record 'W1' has neither a title nor an abstract"),
    ("semantic-scholar", {"paperId": "a", "title": "Lone \ud800 half"}, "unpaired surrogate"),
])
def test_malformed_api_records_name_file_line_and_pointer(fmt, record, message, tmp_path):
    f = tmp_path / "page.json"
    good = {"semantic-scholar": {"paperId": "ok", "title": "Fine", "abstract": "x"},
            "hf-daily": {"paper": {"id": "2410.2", "title": "Fine", "summary": "x"}},
            "openalex": {"id": "https://openalex.org/W2", "title": "Fine"}}[fmt]
    f.write_text("[\n" + json.dumps(good) + ",\n" + json.dumps(record) + "\n]\n")
    with pytest.raises(InputError) as err:
        list(read_papers([f], fmt=fmt, on_warning=None))
    assert str(err.value).startswith(f"{f}:3: ") and re.search(message, str(err.value)), err.value
    assert str(err.value).endswith("(at /1)") or "neither" in str(err.value)
    papers, errors, _ = _read(f, fmt)
    assert [p.title for p in papers] == ["Fine"] and len(errors) == 1


def test_duplicate_ids_in_an_api_response_are_reported(tmp_path):
    f = tmp_path / "page.json"
    rec = {"paperId": "a", "title": "T", "abstract": "x"}
    f.write_text(json.dumps({"total": 2, "data": [rec, rec]}))
    with pytest.raises(InputError, match=r":1: duplicate paper id 'a' \(first on line 1\)"):
        list(read_papers([f], on_warning=None))


def test_python_api_takes_a_dict_of_any_api():
    from kg.api import as_paper

    s2 = json.loads((API / "s2_paper_1706.03762.json").read_text())
    hf = json.loads((API / "hf_daily_2024-10-18.json").read_text())[0]
    assert (as_paper(s2, 0).id, as_paper(s2, 0).venue) == ("1706.03762", "Neural Information Processing Systems")
    assert (as_paper(hf, 1).id, as_paper(hf, 1).upvotes, as_paper(hf, 1).source.line) == ("2410.13848", 61, 2)
    assert as_paper({"id": "a", "title": "T", "abstract": "x"}, 0).id == "a"


def test_semantic_scholar_citation_and_recommendation_pages(tmp_path):
    paper = {"paperId": "c1", "externalIds": {"ArXiv": "2106.09685"}, "title": "LoRA: Low-Rank Adaptation of Large "
             "Language Models", "abstract": "We propose Low-Rank Adaptation, or LoRA.", "year": 2021}
    f = tmp_path / "citations.json"
    f.write_text(json.dumps({"offset": 0, "next": 1, "data": [
        {"contexts": ["LoRA [12] freezes the weights"], "intents": ["methodology"], "isInfluential": True,
         "citingPaper": paper}]}, indent=2))
    (p,) = read_papers([f], on_warning=None)
    assert (p.id, p.date, p.source.pointer) == ("2106.09685", "2021", "/data/0")
    f.write_text(json.dumps({"recommendedPapers": [paper]}))
    (p,) = read_papers([f], on_warning=None)
    assert (p.id, p.source.pointer) == ("2106.09685", "/recommendedPapers/0")
