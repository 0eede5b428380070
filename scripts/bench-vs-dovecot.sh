#!/usr/bin/env bash
# Loft vs Dovecot, measured by the same client code (loft-bench) in the same run.
#
# Installs Dovecot from Debian's packages when missing, configures it on loopback in a
# temporary directory (its own config via `dovecot -c`; no system file is touched), builds
# Loft and loft-bench in release, starts both servers, runs every benchmark against both
# with the same parameters, prints the ratios and writes bench/results-<date>.json,
# bench/table-<date>.md and bench/chart.svg. Both servers are stopped on exit.
#
# Parameters (environment):
#   N=10000               messages in the bigbox mailbox (the issue's target is 100000)
#   REPS=5                repetitions per bigbox operation (median reported)
#   SETTLE_SECS=N/600     wait after the bigbox fill before measuring, on both servers (a
#                         mailbox that grew over time has its search index caught up)
#   FILL_BATCH=500        messages per MULTIAPPEND command (RFC 3502) when filling bigbox;
#                         1 = one pipelined APPEND per message (the fill before MULTIAPPEND)
#   LOAD_CLIENTS=50 LOAD_SECS=30
#   CONN_N=10000          IDLE connections to Loft
#   CONN_N_DOVECOT=1000   IDLE connections to Dovecot (one imap process each: 10,000
#                         processes would need ~10 GB here, and Dovecot verifies argon2 on
#                         every LOGIN, ~30/s: 10,000 take ~6 min; the per-connection
#                         figure is what is compared, the table shows both counts)
#   DELIVERY_CLIENTS=8 DELIVERY_SECS=10
#   IMPORT_N=200000       messages in the generated mbox for `loft import` (if it exists)
#   SKIP="connections import"   benchmarks to skip (bigbox load connections delivery import)
#   CONN_SETUP_SECS=300   stop opening connections after this long and measure those open
#   RESULTS=FILE          append to this results file (to combine partial runs)
#   NO_BUILD=1            use target/release/{loft,loft-bench} as they are
#   KEEP_TMP=1            keep the temporary directory (logs, data) for inspection
#   OUT_DIR=DIR           where results, tables and the chart go (default: bench/)
set -euo pipefail

N=${N:-10000}
REPS=${REPS:-5}
FILL_BATCH=${FILL_BATCH:-500}
SETTLE_SECS=${SETTLE_SECS:-$((N / 600))}
LOAD_CLIENTS=${LOAD_CLIENTS:-50}
LOAD_SECS=${LOAD_SECS:-30}
CONN_N=${CONN_N:-10000}
CONN_N_DOVECOT=${CONN_N_DOVECOT:-1000}
CONN_SETUP_SECS=${CONN_SETUP_SECS:-300}
DELIVERY_CLIENTS=${DELIVERY_CLIENTS:-8}
DELIVERY_SECS=${DELIVERY_SECS:-10}
IMPORT_N=${IMPORT_N:-200000}
SKIP=${SKIP:-}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DATE=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT_DIR=${OUT_DIR:-"$ROOT/bench"}
mkdir -p "$OUT_DIR"
RESULTS=${RESULTS:-"$OUT_DIR/results-$DATE.json"}

skip() { [[ " $SKIP " == *" $1 "* ]]; }
log() { printf '\n== %s\n' "$*" >&2; }

# --- Dovecot --------------------------------------------------------------------------
if ! command -v dovecot >/dev/null || ! [ -e /usr/lib/dovecot/lmtp ]; then
    log "installing dovecot-imapd dovecot-lmtpd from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-lmtpd
fi

# --- Build ----------------------------------------------------------------------------
if [ -n "${NO_BUILD:-}" ]; then
    log "NO_BUILD set: using the existing release binaries"
else
    log "building loft and loft-bench (release)"
    cargo build --release -p loft-server -p loft-bench
fi
# LOFT / BENCH: other binaries (e.g. a copy of a commit's build, so a build running
# meanwhile cannot replace them mid-run).
LOFT=${LOFT:-"$ROOT/target/release/loft"}
BENCH=${BENCH:-"$ROOT/target/release/loft-bench"}

# --- Temporary directory, ports ---------------------------------------------------------
T=$(mktemp -d /tmp/loft-vs-dovecot.XXXXXX)
chmod 755 "$T"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
L_IMAP=$(free_port); L_LMTP=$(free_port); D_IMAP=$(free_port); D_LMTP=$(free_port)
LOFT_PID=""
DOVECOT_CONF="$T/dovecot/dovecot.conf"

cleanup() {
    set +e
    if [ -n "$LOFT_PID" ]; then kill "$LOFT_PID" 2>/dev/null; wait "$LOFT_PID" 2>/dev/null; fi
    if [ -f "$T/dovecot/run/master.pid" ]; then
        doveadm -c "$DOVECOT_CONF" stop 2>/dev/null || kill "$(cat "$T/dovecot/run/master.pid")" 2>/dev/null
        sleep 1
    fi
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

wait_port() {
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

# Enough descriptors for CONN_N connections on each side: the server and loft-bench are
# separate processes and each holds one descriptor per connection (plus Dovecot's
# login/auth/anvil processes, which see every connection). Raise the hard limit when
# allowed (root), then the soft one to it; both servers inherit it.
CONN_MAX=$((CONN_N > CONN_N_DOVECOT ? CONN_N : CONN_N_DOVECOT))
FD_WANT=$((CONN_MAX + 1024 > 65536 ? CONN_MAX + 1024 : 65536))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$FD_WANT" ]; then
    ulimit -Hn "$FD_WANT" 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)" || true
if ! skip connections; then
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONN_MAX + 100)) ]; then
        echo "warning: open-files limit $(ulimit -n) is below $CONN_MAX connections" >&2
    fi
    read -r PORT_LO PORT_HI </proc/sys/net/ipv4/ip_local_port_range || true
    if [ -n "${PORT_HI:-}" ] && [ $((PORT_HI - PORT_LO)) -lt $((CONN_MAX + 1000)) ]; then
        echo "warning: only $((PORT_HI - PORT_LO)) ephemeral ports for $CONN_MAX connections" >&2
    fi
    if [ "$CONN_N_DOVECOT" -gt $(( $(cat /proc/sys/kernel/pid_max) / 2 )) ]; then
        echo "warning: $CONN_N_DOVECOT Dovecot imap processes against pid_max $(cat /proc/sys/kernel/pid_max)" >&2
    fi
fi

# --- Loft -----------------------------------------------------------------------------
log "starting loft on 127.0.0.1:$L_IMAP"
mkdir -p "$T/loft"
write_loft_config() {
    cat >"$T/loft/loft.toml" <<EOF
data_dir = "$T/loft/data"

[[imap.listen]]
address = "127.0.0.1:$L_IMAP"
tls = "none"

[limits]
# The benchmark opens 10,000 connections from one address as one account.
max_connections = 0
max_connections_per_ip = 0
max_connections_per_account = 0

[auth]
plaintext = "loopback"

[log]
level = "warn"
EOF
    if [ "$1" = with-lmtp ]; then
        printf '\n[lmtp]\nlisten = ["127.0.0.1:%s"]\n' "$L_LMTP" >>"$T/loft/loft.toml"
    fi
}
LOFT_LMTP=yes
write_loft_config with-lmtp
if ! "$LOFT" check --config "$T/loft/loft.toml" >/dev/null 2>&1 && "$LOFT" check --config "$T/loft/loft.toml" 2>&1 | grep -q "lmtp"; then
    LOFT_LMTP=no
    write_loft_config without-lmtp
fi
echo bench | "$LOFT" user add bench --password-stdin --config "$T/loft/loft.toml" >/dev/null
"$LOFT" serve --config "$T/loft/loft.toml" >"$T/loft/stdout.log" 2>"$T/loft/stderr.log" &
LOFT_PID=$!
wait_port "$L_IMAP"
if [ "$LOFT_LMTP" = yes ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$L_LMTP") 2>/dev/null; then LOFT_LMTP=no; fi

# --- Dovecot configuration --------------------------------------------------------------
log "starting dovecot $(dovecot --version | cut -d' ' -f1) on 127.0.0.1:$D_IMAP"
D="$T/dovecot"
mkdir -p "$D/run" "$D/state" "$D/home"
chown 65534:65534 "$D/home"
# The same argon2id hash (same cost parameters) as Loft's, so that LOGIN costs the same.
HASH=$(python3 - "$T/loft/data/loft.db" <<'EOF' || true
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT password_hash FROM accounts WHERE name='bench'").fetchone()[0])
EOF
)
case "$HASH" in
    '$argon2id$'*) HASH="{ARGON2ID}$HASH" ;;
    *) HASH=$(doveadm pw -s ARGON2ID -p bench) ;;
esac
printf 'bench:%s\n' "$HASH" >"$D/passwd"
cat >"$DOVECOT_CONF" <<EOF
# Generated by scripts/bench-vs-dovecot.sh; only for this benchmark run.
instance_name = loft-bench-dovecot
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
mail_location = sdbox:~/mail
mail_fsync = optimized
default_client_limit = 15000
default_vsz_limit = 1G
passdb {
  driver = passwd-file
  args = $D/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$D/home/%u
}
protocol imap {
  mail_max_userip_connections = 100000
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $D_IMAP
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = 2
  client_limit = 15000
}
service imap {
  process_limit = $((CONN_N_DOVECOT + LOAD_CLIENTS + 200))
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $D_LMTP
  }
}
service anvil {
  client_limit = 15000
}
service auth {
  client_limit = 15000
}
EOF
dovecot -c "$DOVECOT_CONF"
wait_port "$D_IMAP"
DOVECOT_PID=$(cat "$D/run/master.pid")

# --- The benchmarks -----------------------------------------------------------------------
loft_args=(--name loft --imap "127.0.0.1:$L_IMAP" --user bench --password bench)
dove_args=(--name dovecot --imap "127.0.0.1:$D_IMAP" --user bench --password bench)
{
    echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/Mem:/{print $2}') MiB RAM"
    echo "# date: $DATE; loft $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); $(dovecot --version)"
    echo "# open files: soft $(ulimit -n), hard $(ulimit -Hn); ephemeral ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"
    echo "# N=$N REPS=$REPS FILL_BATCH=$FILL_BATCH SETTLE_SECS=$SETTLE_SECS LOAD_CLIENTS=$LOAD_CLIENTS LOAD_SECS=$LOAD_SECS CONN_N=$CONN_N CONN_N_DOVECOT=$CONN_N_DOVECOT DELIVERY_CLIENTS=$DELIVERY_CLIENTS DELIVERY_SECS=$DELIVERY_SECS IMPORT_N=$IMPORT_N"
} >"$OUT_DIR/run-$DATE.txt"
cat "$OUT_DIR/run-$DATE.txt" >&2

if ! skip bigbox; then
    log "bigbox N=$N"
    "$BENCH" --json "$RESULTS" bigbox "${loft_args[@]}" --n "$N" --reps "$REPS" --fill-batch "$FILL_BATCH" --settle-secs "$SETTLE_SECS"
    "$BENCH" --json "$RESULTS" bigbox "${dove_args[@]}" --n "$N" --reps "$REPS" --fill-batch "$FILL_BATCH" --settle-secs "$SETTLE_SECS"
fi
if ! skip load; then
    log "load: $LOAD_CLIENTS clients for $LOAD_SECS s"
    "$BENCH" --json "$RESULTS" load "${loft_args[@]}" --clients "$LOAD_CLIENTS" --duration "$LOAD_SECS"
    "$BENCH" --json "$RESULTS" load "${dove_args[@]}" --clients "$LOAD_CLIENTS" --duration "$LOAD_SECS"
fi
if ! skip delivery; then
    log "delivery: $DELIVERY_CLIENTS LMTP sessions for $DELIVERY_SECS s"
    if [ "$LOFT_LMTP" = yes ]; then
        "$BENCH" --json "$RESULTS" delivery --name loft --lmtp "127.0.0.1:$L_LMTP" --rcpt bench@localhost \
            --clients "$DELIVERY_CLIENTS" --duration "$DELIVERY_SECS" || echo "loft LMTP benchmark failed" >&2
    else
        echo "loft offers no LMTP listener in this build; skipped" >&2
    fi
    "$BENCH" --json "$RESULTS" delivery --name dovecot --lmtp "127.0.0.1:$D_LMTP" --rcpt bench@localhost \
        --clients "$DELIVERY_CLIENTS" --duration "$DELIVERY_SECS" || echo "dovecot LMTP benchmark failed" >&2
fi
if ! skip connections; then
    log "connections: $CONN_N to loft, $CONN_N_DOVECOT to dovecot"
    "$BENCH" --json "$RESULTS" connections "${loft_args[@]}" --n "$CONN_N" --server-pid "$LOFT_PID" --max-setup-secs "$CONN_SETUP_SECS"
    "$BENCH" --json "$RESULTS" connections "${dove_args[@]}" --n "$CONN_N_DOVECOT" --server-pid "$DOVECOT_PID" --max-setup-secs "$CONN_SETUP_SECS"
fi
if ! skip import; then
    if "$LOFT" import --help >/dev/null 2>&1; then
        log "import: $IMPORT_N-message mbox"
        MBOX="$T/import.mbox"
        "$BENCH" mbox --n "$IMPORT_N" --out "$MBOX"
        echo bench | "$LOFT" user add bench --password-stdin --data-dir "$T/import-data" >/dev/null
        # IMPORT_ARGS may override how `loft import` is called ({mbox} and {data} are replaced).
        IMPORT_ARGS=${IMPORT_ARGS:-"import --data-dir {data} --user bench --mailbox INBOX mbox {mbox}"}
        IMPORT_ARGS=${IMPORT_ARGS//\{mbox\}/$MBOX}
        IMPORT_ARGS=${IMPORT_ARGS//\{data\}/$T/import-data}
        # shellcheck disable=SC2086
        "$BENCH" --json "$RESULTS" measure --name loft --op "loft import" --count "$IMPORT_N" -- "$LOFT" $IMPORT_ARGS \
            || echo "loft import failed (see IMPORT_ARGS)" >&2
    else
        log "import: this loft has no 'import' command; the mbox generator is ready: loft-bench mbox --n $IMPORT_N --out FILE"
    fi
fi

# --- Report -----------------------------------------------------------------------------
log "results"
"$BENCH" report --input "$RESULTS" --svg "$OUT_DIR/chart.svg" \
    --title "Loft vs Dovecot $(dovecot --version | cut -d' ' -f1), N=$N, $(nproc) cores, $DATE" | tee "$OUT_DIR/table-$DATE.md"
cp "$OUT_DIR/chart.svg" "$OUT_DIR/chart-$DATE.svg"
echo "results: $RESULTS, table: $OUT_DIR/table-$DATE.md, chart: $OUT_DIR/chart.svg" >&2
