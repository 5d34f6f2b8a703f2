-- Deduplicated events per month and PLOVER type (what `make demo` prints).
-- columns: month, event_type, n_events, n_mentions
SELECT month, event_type, count(*) AS n_events, sum(n_mentions) AS n_mentions
FROM events
GROUP BY month, event_type
ORDER BY month, n_events DESC, event_type;
