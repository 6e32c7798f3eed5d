"""Fresh papers from the APIs researchers use: ``kg fetch`` and ``kg update``.

- ``http``: the one HTTP client (user agent, timeouts, retries, spacing between requests)
- ``sources``: arXiv, Hugging Face daily papers, Semantic Scholar, OpenAlex: their requests and paging
- ``run``: one fetch, raw pages kept beside the JSONL, resumable
- ``update``: ``kg update``: fetch or read, extract what is new, merge, load the delta, re-render

Nothing here runs in ``kg build``: a build reads files only.
"""
