#!/usr/bin/env bash
# The whole test suite on a fresh machine: install govsoc with its test dependencies, provision
# and start a real Elasticsearch (plain, and a TLS + password node), run pytest, stop the nodes.
#
#   ./scripts/test.sh                 # everything
#   ./scripts/test.sh tests/store -x  # arguments go to pytest
#
# GOVSOC_ES_URL set: use that cluster for the plain-node tests instead of provisioning one.
# GOVSOC_KEEP_ES=1: leave the nodes running afterwards (faster reruns).
# Under CI=true a test that needs Elasticsearch fails, never skips, when no node can be started.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing govsoc and its test dependencies" >&2
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=strict
# pyenv puts new console scripts (govsoc) on PATH only after a rehash
if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi

started=()
stop_nodes() {
    if [[ "${GOVSOC_KEEP_ES:-0}" != 1 ]]; then
        for node in "${started[@]}"; do
            scripts/elasticsearch.sh stop ${node:+"$node"} >&2 || true
        done
    fi
}
trap stop_nodes EXIT

# Started here, before pytest, so that the time it takes is not charged to one test and a
# failure to start is reported once; the test fixtures find the nodes already running.
if [[ -z "${GOVSOC_ES_URL:-}" ]]; then
    echo "== starting Elasticsearch (plain)" >&2
    if scripts/elasticsearch.sh start >/dev/null; then started+=(""); fi
fi
echo "== starting Elasticsearch (TLS + password)" >&2
if scripts/elasticsearch.sh start --secure >/dev/null; then started+=("--secure"); fi

echo "== running the tests" >&2
python3 -m pytest "$@"
