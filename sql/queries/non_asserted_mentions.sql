-- Mentions that do not form events (denied, hypothetical, future, historical), by type and modality.
-- columns: event_type, modality, n_mentions
SELECT event_type, modality, count(*) AS n_mentions
FROM event_mentions
WHERE modality <> 'asserted'
GROUP BY event_type, modality
ORDER BY n_mentions DESC, event_type, modality;
