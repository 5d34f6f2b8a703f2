-- ACLED-style filter: only events dated to the day and located at least to the city.
-- columns: event_id, event_date, event_type, country, admin1, location_name, lat, lon, actor_code, target_code, killed
SELECT event_id, event_date, event_type, country, admin1, location_name, lat, lon, actor_code, target_code,
       killed
FROM events
WHERE time_precision = 'day' AND geo_precision IN ('point', 'city')
ORDER BY event_date, event_id;
