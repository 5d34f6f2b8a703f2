-- The 20 deadliest events, with the conservative and the highest reported toll and their sources.
-- columns: event_id, event_date, time_precision, event_type, location_name, country, geo_precision, actor_code, killed, killed_max, n_sources, source_urls
SELECT event_id, event_date, time_precision, event_type, location_name, country, geo_precision,
       actor_code, killed, killed_max, n_sources, source_urls
FROM events
WHERE killed IS NOT NULL
ORDER BY killed DESC, killed_max DESC, event_id
LIMIT 20;
