// Generated from kg/schema.py by `kg schema --cypher`; do not edit by hand.
// `kg load` applies these itself; run them with cypher-shell to prepare an empty database.
CREATE CONSTRAINT paper_key IF NOT EXISTS FOR (n:Paper) REQUIRE n.key IS UNIQUE;
CREATE INDEX paper_name IF NOT EXISTS FOR (n:Paper) ON (n.name);
CREATE CONSTRAINT method_key IF NOT EXISTS FOR (n:Method) REQUIRE n.key IS UNIQUE;
CREATE INDEX method_name IF NOT EXISTS FOR (n:Method) ON (n.name);
CREATE CONSTRAINT dataset_key IF NOT EXISTS FOR (n:Dataset) REQUIRE n.key IS UNIQUE;
CREATE INDEX dataset_name IF NOT EXISTS FOR (n:Dataset) ON (n.name);
CREATE CONSTRAINT metric_key IF NOT EXISTS FOR (n:Metric) REQUIRE n.key IS UNIQUE;
CREATE INDEX metric_name IF NOT EXISTS FOR (n:Metric) ON (n.name);
CREATE CONSTRAINT task_key IF NOT EXISTS FOR (n:Task) REQUIRE n.key IS UNIQUE;
CREATE INDEX task_name IF NOT EXISTS FOR (n:Task) ON (n.name);
CREATE CONSTRAINT repository_key IF NOT EXISTS FOR (n:Repository) REQUIRE n.key IS UNIQUE;
CREATE INDEX repository_name IF NOT EXISTS FOR (n:Repository) ON (n.name);
CREATE CONSTRAINT website_key IF NOT EXISTS FOR (n:Website) REQUIRE n.key IS UNIQUE;
CREATE INDEX website_name IF NOT EXISTS FOR (n:Website) ON (n.name);
CREATE CONSTRAINT result_key IF NOT EXISTS FOR (n:Result) REQUIRE n.key IS UNIQUE;
CREATE INDEX result_name IF NOT EXISTS FOR (n:Result) ON (n.name);
