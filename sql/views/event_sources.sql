-- One row per (event, reporting article): every source URL behind each deduplicated event.
CREATE OR REPLACE VIEW event_sources AS
SELECT e.event_id, e.event_type, e.event_date, a.article_id, a.source, a.url, a.published,
       count(*)::INTEGER AS n_mentions
FROM events e
JOIN event_mentions m USING (event_id)
JOIN articles a USING (article_id)
GROUP BY ALL;
