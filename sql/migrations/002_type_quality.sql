-- Measured quality per PLOVER type (blind split of our coded articles), shipped with the extractor in
-- pipelines/extract/lexicons/quality.tsv and refreshed from it on every load (schema.refresh_type_quality).
CREATE TABLE type_quality (
    event_type      VARCHAR PRIMARY KEY,
    core_events     INTEGER NOT NULL,  -- core events of this type in the blind articles
    true_records    INTEGER NOT NULL,  -- asserted records that are a coded event of this type
    false_records   INTEGER NOT NULL,
    missed          INTEGER NOT NULL,
    blind_precision DOUBLE NOT NULL,
    blind_recall    DOUBLE NOT NULL
);
