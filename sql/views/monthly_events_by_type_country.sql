-- Deduplicated events per month, PLOVER type and country (ISO3 of the event location; NULL = unknown).
-- Filter on time_precision / geo_precision in `events` first if you need ACLED-style precision.
CREATE OR REPLACE VIEW monthly_events_by_type_country AS
SELECT
    month,
    event_type,
    country,
    count(*)::INTEGER                                       AS n_events,
    sum(n_mentions)::INTEGER                                AS n_mentions,
    count(*) FILTER (WHERE time_precision = 'day')::INTEGER AS n_day_precise
FROM events
GROUP BY month, event_type, country;
