from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import SAMPLES
from kg.errors import InputError
from kg.read import read_papers


def test_samples_give_548_records_in_both_layouts(sample_papers):
    per_file = Counter(p.source.file.rsplit("/", 1)[-1][:3] for p in sample_papers)
    assert per_file == {"000": 250, "001": 90, "002": 208}
    assert len({p.id for p in sample_papers}) == 545  # three papers are listed twice


def test_chrome_dropped_and_titles_intact(sample_papers):
    titles = [p.title for p in sample_papers]
    assert titles[0] == "Janus: Decoupling Visual Encoding for Unified Multimodal Understanding and Generation"
    assert any(t.startswith("Met$^2$Net: A Decoupled Two-Stage") for t in titles)
    chrome = {"Subscribe", "Daily Papers", "new", "Sep 3", "byAK and the research community"}
    assert not chrome & set(titles)
    assert not any(t.startswith("Subscribe") or t.startswith("Get trending") for t in titles)
    met = next(p for p in sample_papers if p.title.startswith("Met$^2$Net"))
    assert met.source.line == 13 and met.abstract.startswith("The increasing frequency of extreme weather")


def test_source_line_is_the_title_line(sample_papers):
    for p in sample_papers[:50] + sample_papers[-50:]:
        lines = (SAMPLES.parent.parent / p.source.file).read_text(encoding="utf-8").splitlines()
        assert lines[p.source.line - 1].endswith(p.title)


def test_jsonl_records_keep_their_ids(tmp_path):
    f = tmp_path / "papers.jsonl"
    f.write_text(json.dumps({"id": "2410.13848", "title": "Janus", "abstract": "We introduce Janus.",
                             "url": "https://arxiv.org/abs/2410.13848", "authors": ["A. B"], "date": "2024-10-17"})
                 + "\n\n" + json.dumps({"title": "No id here", "abstract": "x"}) + "\n", encoding="utf-8")
    a, b = read_papers([f])
    assert (a.id, a.url, a.authors, a.date, a.source.line) == ("2410.13848", "https://arxiv.org/abs/2410.13848",
                                                              ["A. B"], "2024-10-17", 1)
    assert b.source.line == 3 and len(b.id) == 16


def test_json_array_reports_the_record_line(tmp_path):
    f = tmp_path / "papers.json"
    f.write_text('[\n {"id": "a", "title": "T", "abstract": "x"},\n {"id": "b", "abstract": "y"}\n]\n')
    with pytest.raises(InputError) as err:
        list(read_papers([f]))
    assert str(err.value) == f"{f}:3: record has no 'title'"


def test_arxiv_atom(tmp_path):
    f = tmp_path / "feed.xml"
    f.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>ArXiv Query</title>
  <entry>
    <id>http://arxiv.org/abs/2410.13848v1</id>
    <published>2024-10-17T17:58:37Z</published>
    <title>Janus: Decoupling Visual Encoding for Unified
      Multimodal Understanding and Generation</title>
    <summary>  In this paper, we introduce Janus, an autoregressive framework.
    Code: https://github.com/deepseek-ai/Janus.</summary>
    <author><name>Chengyue Wu</name></author>
    <author><name>Xiaokang Chen</name></author>
    <link href="http://arxiv.org/abs/2410.13848v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2410.13848v1" rel="related" type="application/pdf"/>
  </entry>
</feed>
""", encoding="utf-8")
    (p,) = read_papers([f])
    assert p.id == "2410.13848" and p.arxiv_id == "2410.13848v1"
    assert p.title == "Janus: Decoupling Visual Encoding for Unified Multimodal Understanding and Generation"
    assert p.authors == ["Chengyue Wu", "Xiaokang Chen"] and p.date == "2024-10-17"
    assert p.url == "http://arxiv.org/abs/2410.13848v1" and len(p.links) == 2
    assert p.source.line == 4


def test_directory_reads_every_supported_file(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "title": "A", "abstract": "x"}\n')
    (tmp_path / "notes.md").write_text("ignored")
    (tmp_path / "b.txt").write_text("Title B\nAn abstract long enough to be an abstract, surely it is.\n")
    assert [p.title for p in read_papers([tmp_path])] == ["A", "Title B"]


def test_forced_format(tmp_path):
    f = tmp_path / "listing.dump"
    f.write_text("Title B\nAn abstract long enough to be an abstract, surely it is.\n")
    with pytest.raises(InputError, match="unsupported file type"):
        list(read_papers([f]))
    assert [p.title for p in read_papers([f], "hf-listing")] == ["Title B"]
