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
# Debian packages the tests need (logrotate, capture tools, servers): one table, one script.
./scripts/system-packages.sh
# pyenv puts new console scripts (govsoc) on PATH only after a rehash
if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi

# The nodes: the newest Elasticsearch, plain and with TLS + password, and 8.19 beside them to show
# that the pinned 8.19 client serves both majors (ES8_NODE in tests/conftest.py: same settings).
node() {  # node NAME ACTION
    case "$1" in
        es9) scripts/elasticsearch.sh "$2" ;;
        es9-secure) scripts/elasticsearch.sh "$2" --secure ;;
        es8) GOVSOC_CACHE="$HOME/.cache/govsoc-es8" GOVSOC_ES_VERSION=8.19.8 GOVSOC_ES_PORT=19210 \
                 GOVSOC_ES_TRANSPORT_PORT=19310 scripts/elasticsearch.sh "$2" ;;
    esac
}
started=()
stop_nodes() {
    if [[ "${GOVSOC_KEEP_ES:-0}" != 1 ]]; then
        for name in "${started[@]}"; do node "$name" stop >&2 || true; done
    fi
}
trap stop_nodes EXIT

# Started here, before pytest, so that the time it takes is not charged to one test and a
# failure to start is reported once; the test fixtures find the nodes already running (and
# under CI=true fail, not skip, if one is missing).
start() {
    # A node that was already up (another checkout's run, GOVSOC_KEEP_ES=1 before) is used but
    # not stopped at the end: only the nodes this run started are its to stop.
    if node "$1" status >/dev/null 2>&1; then
        echo "== Elasticsearch ($1) is already running" >&2
        return 0
    fi
    echo "== starting Elasticsearch ($1)" >&2
    if node "$1" start >/dev/null; then started+=("$1"); fi
}
if [[ -z "${GOVSOC_ES_URL:-}" ]]; then start es9; fi
start es9-secure
start es8

echo "== running the tests" >&2
# GOVSOC_TEST_WORKERS=N: N pytest-xdist worker processes (tests that share a machine-wide resource
# take turns through tests/conftest.py's machine_wide locks). CI (.ci/run) sets 2; a local run stays
# serial unless asked.
workers=()
if [[ -n "${GOVSOC_TEST_WORKERS:-}" ]]; then workers=(-n "$GOVSOC_TEST_WORKERS"); fi
python3 -m pytest ${workers[@]+"${workers[@]}"} "$@"
