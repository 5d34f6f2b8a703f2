-- Casualties per month and perpetrating actor (events.actor_code; NULL = unattributed).
-- killed/injured are the conservative canonical figures; *_max the highest figure reported.
-- A figure above 5,000 for one event is almost always a cumulative toll quoted in the article
-- ("the war has killed 350,000 since 2011"), not the event's casualties: such events are not
-- summed but counted in n_cumulative_figures so that they stay visible.
CREATE OR REPLACE VIEW casualties_by_month_actor AS
WITH flagged AS (
    SELECT *, coalesce(killed_max > 5000 OR injured_max > 5000, false) AS cumulative
    FROM events
    WHERE killed IS NOT NULL OR injured IS NOT NULL
)
SELECT
    month,
    actor_code,
    any_value(actor_name)                                             AS actor_name,
    count(*) FILTER (WHERE NOT cumulative)::INTEGER                   AS n_events,
    coalesce(sum(killed) FILTER (WHERE NOT cumulative), 0)::BIGINT      AS killed,
    coalesce(sum(killed_max) FILTER (WHERE NOT cumulative), 0)::BIGINT  AS killed_max,
    coalesce(sum(injured) FILTER (WHERE NOT cumulative), 0)::BIGINT     AS injured,
    coalesce(sum(injured_max) FILTER (WHERE NOT cumulative), 0)::BIGINT AS injured_max,
    count(*) FILTER (WHERE cumulative)::INTEGER                       AS n_cumulative_figures
FROM flagged
GROUP BY month, actor_code;
