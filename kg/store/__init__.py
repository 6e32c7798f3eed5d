"""Store: the graph in Neo4j (batched MERGE loader, named queries) and neo4j-admin import CSVs."""
