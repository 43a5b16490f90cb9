#!/bin/bash
# Run by the postgres image once, when it initialises an empty data volume: a login role "grafana" that may read
# the control-api's tables and change nothing. The tables do not exist yet (the control-api's Flyway migrations
# create them later, owned by POSTGRES_USER), so the grant is a default privilege of that owner.
# The image sources this file when it is not executable, so it sets no shell options of its own.
: "${GRAFANA_DB_PASSWORD:?GRAFANA_DB_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --set=owner="$POSTGRES_USER" --set=db="$POSTGRES_DB" --set=password="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE grafana LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER ROLE grafana SET default_transaction_read_only = on;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"owner", grafana;
GRANT USAGE ON SCHEMA public TO grafana;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO grafana;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO grafana;
SQL
