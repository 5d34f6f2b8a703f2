-- 004: an article that was read but failed a later stage is quarantined with that stage (clean, nlp,
-- dates, extract, frame, load) and its id, while the rest of its batch loads (pipelines/process.py,
-- pipelines/warehouse/frames.py and load.py). Rows from before are the landing reader's ('ingest').
ALTER TABLE quarantine ADD COLUMN stage VARCHAR DEFAULT 'ingest';
ALTER TABLE quarantine ADD COLUMN article_id VARCHAR;
