-- 001: core warehouse schema.
-- Applied once by pipelines.warehouse.apply_migrations (recorded in schema_version).
-- Offsets (*_start, *_end) are character offsets into articles.text (the original article text).

CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,
    source        VARCHAR,
    url           VARCHAR,
    title         VARCHAR,
    published     DATE,
    partition_day DATE NOT NULL,   -- published day, else the ingest day (Dagster daily partition)
    origin        VARCHAR,         -- file in the landing folder it came from
    fmt           VARCHAR,
    abstract      VARCHAR,
    text          VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,  -- sha1 of text, to spot a changed re-delivery
    n_sentences   INTEGER NOT NULL,
    n_mentions    INTEGER NOT NULL
);

CREATE TABLE sentences (
    article_id     VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    text           VARCHAR NOT NULL,
    PRIMARY KEY (article_id, sentence_index)
);

-- One row per extraction. event_id is NULL for mentions that do not form events (not asserted).
CREATE TABLE event_mentions (
    mention_id       VARCHAR PRIMARY KEY,  -- hash(article_id, sentence_index, type, trigger offsets)
    article_id       VARCHAR NOT NULL,
    sentence_index   INTEGER NOT NULL,
    event_type       VARCHAR NOT NULL,
    mode             VARCHAR,
    modality         VARCHAR NOT NULL,
    confidence       DOUBLE,
    trigger_text     VARCHAR NOT NULL,
    trigger_start    INTEGER NOT NULL,
    trigger_end      INTEGER NOT NULL,
    actor_text       VARCHAR,
    actor_start      INTEGER,
    actor_end        INTEGER,
    actor_code       VARCHAR,
    actor_name       VARCHAR,
    actor_country    VARCHAR,
    actor_sector     VARCHAR,
    actors           STRUCT(text VARCHAR, start INTEGER, "end" INTEGER, code VARCHAR,
                            country VARCHAR, name VARCHAR, sector VARCHAR)[],  -- compound actors
    target_text      VARCHAR,
    target_start     INTEGER,
    target_end       INTEGER,
    target_code      VARCHAR,
    target_name      VARCHAR,
    target_country   VARCHAR,
    target_sector    VARCHAR,
    location_text    VARCHAR,
    location_start   INTEGER,
    location_end     INTEGER,
    location_key     VARCHAR,              -- -> locations.location_key
    location_name    VARCHAR,
    country          VARCHAR,              -- ISO3 of the location
    admin1           VARCHAR,
    lat              DOUBLE,
    lon              DOUBLE,
    geonameid        BIGINT,
    geo_precision    VARCHAR,
    date_text        VARCHAR,
    date_start_offset INTEGER,
    date_end_offset  INTEGER,
    date_value       VARCHAR,              -- YYYY-MM-DD | YYYY-Www | YYYY-MM | YYYY
    date_precision   VARCHAR,              -- day | week | month | year
    date_source      VARCHAR,              -- explicit | relative | published | dateline
    date_from        DATE,                 -- first day the date value covers
    date_to          DATE,                 -- last day the date value covers
    event_id         VARCHAR
);

CREATE TABLE event_quantities (
    mention_id     VARCHAR NOT NULL,
    quantity_index INTEGER NOT NULL,
    article_id     VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    value          BIGINT NOT NULL,
    value_max      BIGINT,
    role           VARCHAR,
    noun           VARCHAR,
    PRIMARY KEY (mention_id, quantity_index)
);

-- Deduplicated events: one row per real-world event (see pipelines/warehouse/dedup.py for the rules).
CREATE TABLE events (
    event_id        VARCHAR PRIMARY KEY,   -- hash of the anchor (earliest-reported) mention
    event_type      VARCHAR NOT NULL,
    mode            VARCHAR,
    event_date      DATE NOT NULL,         -- first day of the canonical date
    date_value      VARCHAR NOT NULL,
    time_precision  VARCHAR NOT NULL,      -- day | week | month | year
    date_source     VARCHAR NOT NULL,
    month           VARCHAR NOT NULL,      -- YYYY-MM of event_date (export partition)
    location_key    VARCHAR,
    location_name   VARCHAR,
    country         VARCHAR,
    admin1          VARCHAR,
    lat             DOUBLE,
    lon             DOUBLE,
    geonameid       BIGINT,
    geo_precision   VARCHAR,               -- point | city | admin2 | admin1 | country | region; NULL = unknown
    actor_code      VARCHAR,
    actor_name      VARCHAR,
    actor_country   VARCHAR,
    target_code     VARCHAR,
    target_name     VARCHAR,
    target_country  VARCHAR,
    killed          BIGINT,  killed_max       BIGINT,
    injured         BIGINT,  injured_max      BIGINT,
    detained        BIGINT,  detained_max     BIGINT,
    abducted        BIGINT,  abducted_max     BIGINT,
    displaced       BIGINT,  displaced_max    BIGINT,
    deployed        BIGINT,  deployed_max     BIGINT,
    participants    BIGINT,  participants_max BIGINT,
    launched        BIGINT,  launched_max     BIGINT,
    confidence      DOUBLE,
    n_mentions      INTEGER NOT NULL,
    n_articles      INTEGER NOT NULL,
    n_sources       INTEGER NOT NULL,
    first_reported  DATE,
    last_reported   DATE,
    anchor_mention  VARCHAR NOT NULL,
    mention_ids     VARCHAR[] NOT NULL,
    article_ids     VARCHAR[] NOT NULL,
    source_urls     VARCHAR[] NOT NULL,
    sources         VARCHAR[] NOT NULL
);

-- Dimensions, rebuilt from the mentions on every load.
CREATE TABLE actors (
    actor_code VARCHAR PRIMARY KEY,
    name       VARCHAR,
    country    VARCHAR,
    sector     VARCHAR,
    n_mentions INTEGER NOT NULL
);

CREATE TABLE locations (
    location_key VARCHAR PRIMARY KEY,  -- 'gn:<geonameid>' or 'name:<name>|<country>'
    geonameid    BIGINT,
    name         VARCHAR,
    country      VARCHAR,
    admin1       VARCHAR,
    lat          DOUBLE,
    lon          DOUBLE,
    precision    VARCHAR,
    n_mentions   INTEGER NOT NULL
);

CREATE TABLE quarantine (
    quarantine_id VARCHAR PRIMARY KEY,  -- hash(origin, line, reason, first_bytes): re-loads add nothing
    origin        VARCHAR NOT NULL,
    line          INTEGER,
    reason        VARCHAR NOT NULL,
    first_bytes   BLOB,
    "at"          TIMESTAMP NOT NULL    -- first time it was quarantined ("at" is a keyword: quote it)
);
