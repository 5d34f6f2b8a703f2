-- monthly_events_by_type_country beside the measured quality of each type (table type_quality): how far
-- to trust each count. `trusted` = blind precision >= 0.6 measured on at least 5 records.
CREATE OR REPLACE VIEW trusted_monthly_events AS
SELECT
    m.*,
    q.blind_precision,
    q.blind_recall,
    coalesce(q.blind_precision >= 0.6 AND q.true_records + q.false_records >= 5, FALSE) AS trusted
FROM monthly_events_by_type_country m
LEFT JOIN type_quality q USING (event_type);
