-- The DuckLake catalog beside the Dagster instance (as deploy/local/postgres.sh creates it).
CREATE DATABASE lake;
