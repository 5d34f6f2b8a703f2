-- Casualties per month and perpetrating actor (events.actor_code; NULL = unattributed).
-- killed/injured are the conservative canonical figures; *_max the highest figure reported.
CREATE OR REPLACE VIEW casualties_by_month_actor AS
SELECT
    month,
    actor_code,
    any_value(actor_name)                       AS actor_name,
    count(*)::INTEGER                           AS n_events,
    coalesce(sum(killed), 0)::BIGINT            AS killed,
    coalesce(sum(killed_max), 0)::BIGINT        AS killed_max,
    coalesce(sum(injured), 0)::BIGINT           AS injured,
    coalesce(sum(injured_max), 0)::BIGINT       AS injured_max
FROM events
WHERE killed IS NOT NULL OR injured IS NOT NULL
GROUP BY month, actor_code;
