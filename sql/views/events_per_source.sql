-- How many articles, mentions and distinct events each source contributes, and how many of its
-- events no other source reports (a coverage / bias check).
CREATE OR REPLACE VIEW events_per_source AS
WITH arts AS (
    SELECT source, count(*) AS n_articles FROM articles GROUP BY source
), ments AS (
    SELECT a.source,
           count(*)                                               AS n_mentions,
           count(DISTINCT m.event_id)                             AS n_events,
           count(DISTINCT m.event_id) FILTER (WHERE e.n_sources <= 1) AS n_exclusive_events
    FROM event_mentions m
    JOIN articles a USING (article_id)
    LEFT JOIN events e USING (event_id)
    GROUP BY a.source
)
SELECT arts.source,
       arts.n_articles::INTEGER                            AS n_articles,
       coalesce(ments.n_mentions, 0)::INTEGER              AS n_mentions,
       coalesce(ments.n_events, 0)::INTEGER                AS n_events,
       coalesce(ments.n_exclusive_events, 0)::INTEGER      AS n_exclusive_events
FROM arts LEFT JOIN ments ON arts.source IS NOT DISTINCT FROM ments.source;
