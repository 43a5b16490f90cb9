#!/bin/sh
# Entrypoint of the compose stack's Prometheus: its configuration cannot read environment variables, so the
# service token goes to the file that prometheus.yml names (on a tmpfs, readable by Prometheus's user only),
# and leaves the environment before Prometheus starts. Extra arguments are passed on to Prometheus.
set -eu
token_file=/run/alphadecay/service-token
: "${ALPHADECAY_SERVICE_TOKEN:?ALPHADECAY_SERVICE_TOKEN is not set}"
umask 077
printf '%s' "$ALPHADECAY_SERVICE_TOKEN" > "$token_file"
unset ALPHADECAY_SERVICE_TOKEN
exec /bin/prometheus \
  --config.file=/etc/prometheus/prometheus.yml \
  --storage.tsdb.path=/prometheus \
  "$@"
