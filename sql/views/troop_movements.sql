-- Troop deployments (PLOVER MOBILIZE) and withdrawals (RETREAT) per month, actor and country.
-- troops = sum of the conservative `deployed` figures (events that state a number).
CREATE OR REPLACE VIEW troop_movements AS
SELECT
    month,
    CASE event_type WHEN 'MOBILIZE' THEN 'deployment' ELSE 'withdrawal' END AS movement,
    actor_code,
    country,
    count(*)::INTEGER                        AS n_events,
    sum(deployed)::BIGINT                    AS troops,
    sum(deployed_max)::BIGINT                AS troops_max
FROM events
WHERE event_type IN ('MOBILIZE', 'RETREAT')
GROUP BY ALL;
