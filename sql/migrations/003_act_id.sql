-- The extractor's event_id: the records of one act within one article (pipelines/extract/coref.py).
-- The merge starts from it: mentions of one article that share it form one event unless they contradict.
ALTER TABLE event_mentions ADD COLUMN act_id VARCHAR;
