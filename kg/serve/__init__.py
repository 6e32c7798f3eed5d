"""``kg serve``: a local, read-only web app and JSON API over a graph file or a Neo4j database.

``backend`` says what the app asks of a graph; ``file_backend`` and ``neo4j_backend`` answer it;
``search`` is the name index built at start-up; ``views`` computes the API's answers from a
backend; ``app`` holds the Starlette routes and the safety headers; ``server`` runs uvicorn.
starlette and uvicorn (the ``serve`` extra) are imported by ``app`` and ``server`` only.
"""
