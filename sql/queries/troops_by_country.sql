-- Net troop movements per country and actor over the whole period (deployed minus withdrawn).
-- columns: country, actor_code, deployed, withdrawn, net
SELECT country, actor_code,
       coalesce(sum(troops) FILTER (WHERE movement = 'deployment'), 0) AS deployed,
       coalesce(sum(troops) FILTER (WHERE movement = 'withdrawal'), 0) AS withdrawn,
       deployed - withdrawn AS net
FROM troop_movements
GROUP BY country, actor_code
ORDER BY country, actor_code;
