-- Publish a warehouse to a DuckLake (Parquet data files + a Postgres catalog) that many readers
-- and several writers can use at once. Each worker loads its own DuckDB file (one per worker or per
-- month, so no file lock is shared), then publishes it:
--   duckdb /data/warehouse/worker-1.duckdb -c ".read deploy/ducklake/publish.sql"
-- Edit the ATTACH line: the catalog's libpq string and DATA_PATH (s3://bucket/prefix/ or a shared
-- folder). DuckLake commits through the Postgres catalog, so concurrent publishers do not
-- overwrite each other; a conflicting commit fails and is retried by the caller.
INSTALL ducklake;
INSTALL postgres;
ATTACH 'ducklake:postgres:dbname=marsad_lake host=postgres user=marsad' AS lake (DATA_PATH 's3://marsad-lake/');

CREATE TABLE IF NOT EXISTS lake.articles AS SELECT * FROM articles LIMIT 0;
CREATE TABLE IF NOT EXISTS lake.event_mentions AS SELECT * FROM event_mentions LIMIT 0;
CREATE TABLE IF NOT EXISTS lake.event_quantities AS SELECT * FROM event_quantities LIMIT 0;
CREATE TABLE IF NOT EXISTS lake.events AS SELECT * FROM events LIMIT 0;

-- Replace what this warehouse holds, partition-day by partition-day, in one lake transaction.
BEGIN TRANSACTION;
DELETE FROM lake.event_quantities WHERE article_id IN (SELECT article_id FROM articles);
DELETE FROM lake.event_mentions WHERE article_id IN (SELECT article_id FROM articles);
DELETE FROM lake.articles WHERE partition_day IN (SELECT DISTINCT partition_day FROM articles);
DELETE FROM lake.events WHERE event_id IN (SELECT event_id FROM events);
INSERT INTO lake.articles SELECT * FROM articles;
INSERT INTO lake.event_mentions SELECT * FROM event_mentions;
INSERT INTO lake.event_quantities SELECT * FROM event_quantities;
INSERT INTO lake.events SELECT * FROM events;
COMMIT;
