-- Provenance: every mention behind each event, with the evidence sentence and the trigger as written
-- (offsets slice articles.text exactly).
-- columns: event_id, event_type, article_id, source, url, modality, trigger_text, evidence_trigger, sentence
SELECT m.event_id, m.event_type, m.article_id, a.source, a.url, m.modality, m.trigger_text,
       substr(a.text, m.trigger_start + 1, m.trigger_end - m.trigger_start) AS evidence_trigger,
       s.text AS sentence
FROM event_mentions m
JOIN articles a USING (article_id)
LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_index = m.sentence_index
WHERE m.event_id IS NOT NULL
ORDER BY m.event_id, a.published, m.article_id, m.trigger_start;
