-- Most active actors (as perpetrator) per country and month, ranked (rank 1 = most events).
CREATE OR REPLACE VIEW top_actors_country_month AS
WITH counted AS (
    SELECT country, month, actor_code, any_value(actor_name) AS actor_name,
           count(*)::INTEGER AS n_events, list(DISTINCT event_type ORDER BY event_type) AS event_types
    FROM events
    WHERE actor_code IS NOT NULL
    GROUP BY country, month, actor_code
)
SELECT *, rank() OVER (PARTITION BY country, month ORDER BY n_events DESC)::INTEGER AS actor_rank
FROM counted;
