#!/usr/bin/env bash
# The embedded local stack: Temporal dev server (SQLite, Web UI) + MinIO (S3 and
# STS), both built from source with `go install` because no download site is
# reachable. Everything listens on 127.0.0.1 only; state lives in <repo>/.stack/.
#
# Usage: scripts/stack.sh <command>
#   tools           build/locate temporal, minio and mc (first build: several minutes)
#   up              ensure tools, start both servers if needed, wait until healthy, provision
#   down [COMP...]  stop what `up` started (COMP: temporal, minio; default both)
#   status          show what runs; exit 0 only if both servers are up and healthy
#   env             print `export` lines for the product: eval "$(scripts/stack.sh env)"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${SLE_STACK_DIR:-$ROOT/.stack}"
# Outside the repo so every clean clone reuses the (slow) builds.
TOOLS_DIR="${SLE_TOOLS_DIR:-$HOME/.cache/security-lake-exporter/bin}"
TIMEOUT="${SLE_STACK_TIMEOUT:-120}" # seconds to wait for each server to become healthy

# Pinned sources. temporalio/cli v1.5.1 is the last release whose go.mod has no
# `replace` directive (go install refuses those).
TEMPORAL_PKG="github.com/temporalio/cli/cmd/temporal@v1.5.1"
MINIO_PKG="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
MC_PKG="github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9"

HOST=127.0.0.1
TEMPORAL_PORT="${SLE_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${SLE_TEMPORAL_UI_PORT:-8233}"
TEMPORAL_NAMESPACE=default
# Our custom search attributes (none collides with Temporal's reserved names).
SEARCH_ATTRIBUTES=(
  ExportStatus=Keyword IntegrationName=Keyword LastExportTime=Datetime
  RowsExported=Int FilesExported=Int AlertsRejected=Int
)

MINIO_PORT="${SLE_MINIO_PORT:-9000}"
MINIO_CONSOLE_PORT="${SLE_MINIO_CONSOLE_PORT:-9001}"
# Local-only credentials: the servers bind to loopback and hold throwaway data.
MINIO_ROOT_USER_LOCAL="${SLE_MINIO_ROOT_USER:-minioadmin-local}"
MINIO_ROOT_PASSWORD_LOCAL="${SLE_MINIO_ROOT_PASSWORD:-minioadmin-local-secret}"
EXPORTER_ACCESS_KEY="exporter-local"
EXPORTER_SECRET_KEY="${SLE_EXPORTER_SECRET_KEY:-exporter-local-secret-key}"
EXPORTER_POLICY="security-lake-exporter-local"
# MinIO enforces the signing region only when one is configured; set it so a
# client in the wrong region fails as it would on AWS.
REGION=us-east-1
LAKE_BUCKET=security-lake-local
STAGING_BUCKET=security-lake-exporter-staging
READONLY_BUCKET=security-lake-readonly
# Exists, but the exporter may not touch it at all (test connection: AccessDenied).
FOREIGN_BUCKET=security-lake-foreign
MC_ALIAS=sle-local

# Module builds have no VCS info to stamp; without this go install can fail.
[[ "${GOFLAGS:-}" == *-buildvcs* ]] || export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
export MC_CONFIG_DIR="$STACK_DIR/mc"
export MC_NO_COLOR=1 MC_DISABLE_PAGER=1

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------

# is_valid_tool NAME PATH: guards against same-named strangers on PATH
# (Debian's `mc` is Midnight Commander).
is_valid_tool() {
  case "$1" in
    mc) [[ "$("$2" --version 2>/dev/null || true)" == *[Mm]in[Ii][Oo]* ]] ;; # no grep -q: SIGPIPE + pipefail
    *) [[ -x "$2" ]] ;;
  esac
}

# find_tool NAME: prints the binary to use (PATH first, then the cache), or nothing.
find_tool() {
  local name="$1" p
  p="$(command -v "$name" 2>/dev/null || true)"
  if [[ -n "$p" ]] && is_valid_tool "$name" "$p"; then echo "$p"; return; fi
  p="$TOOLS_DIR/$name"
  if [[ -x "$p" ]] && is_valid_tool "$name" "$p"; then echo "$p"; fi
}

pkg_for() {
  case "$1" in temporal) echo "$TEMPORAL_PKG" ;; minio) echo "$MINIO_PKG" ;; mc) echo "$MC_PKG" ;; esac
}

# build_tool NAME: go install into a scratch GOBIN, then rename into the cache,
# so an interrupted build never leaves a half-written binary behind.
build_tool() {
  local name="$1" pkg gobin buildlog
  pkg="$(pkg_for "$name")"
  gobin="$TOOLS_DIR/.gobin-$name.$$"
  buildlog="$TOOLS_DIR/.build-$name.log"
  rm -rf "$gobin" && mkdir -p "$gobin"
  if GOBIN="$gobin" go install "$pkg" >"$buildlog" 2>&1; then
    mv -f "$gobin/$name" "$TOOLS_DIR/$name"
    rm -rf "$gobin"
  else
    rm -rf "$gobin"
    log "building $name failed; last lines of $buildlog:"
    tail -n 30 "$buildlog" >&2
    return 1
  fi
}

ensure_tools() {
  local missing=() name
  for name in temporal minio mc; do
    [[ -n "$(find_tool "$name")" ]] || missing+=("$name")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  command -v go >/dev/null 2>&1 ||
    die "missing ${missing[*]} and no Go toolchain to build them; install Go, or put the binaries on PATH or in $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  # One builder at a time across processes (e.g. `npm test` and `npm run demo`
  # started together); the second one waits, then finds the binaries.
  exec 8>"$TOOLS_DIR/.build.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 8
    missing=()
    for name in temporal minio mc; do
      [[ -n "$(find_tool "$name")" ]] || missing+=("$name")
    done
    [[ ${#missing[@]} -eq 0 ]] && { exec 8>&-; return 0; }
  fi

  log "building ${missing[*]} from the Go module proxy into $TOOLS_DIR"
  log "the first build takes several minutes (later runs reuse the binaries)..."
  local start=$SECONDS pids=() failed=0 i
  for name in "${missing[@]}"; do # in parallel: they are independent
    log "  go install $(pkg_for "$name")   (log: $TOOLS_DIR/.build-$name.log)"
    build_tool "$name" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed=1; done
  exec 8>&-
  [[ $failed -eq 0 ]] || die "tool build failed (see above)"
  log "tools built in $((SECONDS - start))s"
}

# Resolve the tools once, in the main shell ($(tool x) runs in a subshell and
# cannot cache): saves a `mc --version` per mc call.
cache_tools() {
  local name p
  for name in temporal minio mc; do
    p="$(find_tool "$name")"
    [[ -z "$p" ]] || printf -v "TOOL_PATH_$name" '%s' "$p"
  done
}

tool() { # tool NAME: path of an already ensured tool
  local var="TOOL_PATH_$1" p
  if [[ -n "${!var:-}" ]]; then echo "${!var}"; return; fi
  p="$(find_tool "$1")"
  [[ -n "$p" ]] || die "$1 not found; run: scripts/stack.sh tools"
  echo "$p"
}

# --- processes ---------------------------------------------------------------

pidfile() { echo "$STACK_DIR/$1.pid"; }
logfile() { echo "$STACK_DIR/$1.log"; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

proc_cmdline() {
  if [[ -r "/proc/$1/cmdline" ]]; then tr '\0' ' ' <"/proc/$1/cmdline"; else ps -p "$1" -o command= 2>/dev/null; fi
}

# our_pid COMP: prints the pid from COMP's pid file if that process is alive and
# still is COMP's server (pids get reused); removes a stale pid file.
our_pid() {
  local comp="$1" file pid
  file="$(pidfile "$comp")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    case "$(proc_cmdline "$pid")" in
      *temporal*server*start-dev*) [[ "$comp" == temporal ]] && { echo "$pid"; return 0; } ;;
      *minio*server*) [[ "$comp" == minio ]] && { echo "$pid"; return 0; } ;;
    esac
  fi
  rm -f "$file"
  return 1
}

ports_of() {
  case "$1" in
    temporal) echo "$TEMPORAL_PORT $TEMPORAL_UI_PORT" ;;
    minio) echo "$MINIO_PORT $MINIO_CONSOLE_PORT" ;;
  esac
}

who_listens() { # best effort: which process holds a port
  command -v ss >/dev/null 2>&1 && ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/^/    /' || true
}

check_ports_free() {
  local comp="$1" port
  for port in $(ports_of "$comp"); do
    if port_open "$port"; then
      who_listens "$port" >&2
      die "port $HOST:$port (for $comp) is already in use by another process, not one this script started. Stop it, or choose other ports (SLE_TEMPORAL_PORT, SLE_TEMPORAL_UI_PORT, SLE_MINIO_PORT, SLE_MINIO_CONSOLE_PORT)."
    fi
  done
}

# launch COMP CMD...: runs CMD detached in its own session, so `down` can stop
# its whole process group and a Ctrl-C in the caller's terminal does not. The
# wrapper writes its own pid and then execs the server, so the pid file names
# the server even when setsid has to fork.
launch() {
  local comp="$1"; shift
  local lf pf i
  lf="$(logfile "$comp")"
  pf="$(pidfile "$comp")"
  rm -f "$pf"
  printf '\n=== %s: starting %s\n' "$(date -u +%FT%TZ)" "$*" >>"$lf"
  local wrapper='echo $$ >"$0"; exec "$@"'
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c "$wrapper" "$pf" "$@" </dev/null >>"$lf" 2>&1 &
  else
    nohup bash -c "$wrapper" "$pf" "$@" </dev/null >>"$lf" 2>&1 &
  fi
  for i in $(seq 1 50); do [[ -s "$pf" ]] && return 0; sleep 0.1; done
  die "could not start $comp (no pid file after 5s); see $lf"
}

temporal_healthy() {
  local out
  out="$("$(tool temporal)" operator cluster health --address "$HOST:$TEMPORAL_PORT" --command-timeout 3s 2>/dev/null || true)"
  [[ "$out" == *SERVING* ]] && port_open "$TEMPORAL_UI_PORT"
}

http_code() { # http_code URL -> status code (000 when unreachable)
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" || true
  else
    node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(3000)}).then(r=>console.log(r.status),()=>console.log('000'))" "$1"
  fi
}

minio_healthy() {
  [[ "$(http_code "http://$HOST:$MINIO_PORT/minio/health/ready")" == 200 ]]
}

healthy() { "${1}_healthy"; }

wait_healthy() {
  local comp="$1" deadline=$((SECONDS + TIMEOUT))
  until healthy "$comp"; do
    if ! our_pid "$comp" >/dev/null; then
      log "$comp exited during start-up; last lines of $(logfile "$comp"):"
      tail -n 40 "$(logfile "$comp")" >&2
      die "$comp failed to start"
    fi
    if ((SECONDS >= deadline)); then
      log "$comp not healthy after ${TIMEOUT}s; last lines of $(logfile "$comp"):"
      tail -n 40 "$(logfile "$comp")" >&2
      die "$comp did not become healthy (try: scripts/stack.sh down && scripts/stack.sh up)"
    fi
    sleep 0.5
  done
}

start_temporal() {
  if our_pid temporal >/dev/null; then log "temporal already running (pid $(our_pid temporal))"; return; fi
  check_ports_free temporal
  local args=(server start-dev --ip "$HOST" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$STACK_DIR/temporal.sqlite" --namespace "$TEMPORAL_NAMESPACE" --log-format text
    # Suggest continue-as-new after 400 events (default 4k) so the local stack
    # exercises that path the way a busy production integration does.
    --dynamic-config-value "limit.historyCount.suggestContinueAsNew=${SLE_SUGGEST_CAN_EVENTS:-400}")
  local sa
  # Registering at every start is fine: start-dev skips attributes that already
  # exist in the SQLite file with the same type.
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  log "starting temporal dev server (log: $(logfile temporal))"
  UP_STARTED+=(temporal)
  launch temporal "$(tool temporal)" "${args[@]}"
}

start_minio() {
  if our_pid minio >/dev/null; then log "minio already running (pid $(our_pid minio))"; return; fi
  check_ports_free minio
  mkdir -p "$STACK_DIR/minio-data"
  log "starting minio (log: $(logfile minio))"
  UP_STARTED+=(minio)
  MINIO_ROOT_USER="$MINIO_ROOT_USER_LOCAL" MINIO_ROOT_PASSWORD="$MINIO_ROOT_PASSWORD_LOCAL" \
    MINIO_SITE_REGION="$REGION" MINIO_UPDATE=off MINIO_BROWSER=on \
    launch minio "$(tool minio)" server "$STACK_DIR/minio-data" \
    --address "$HOST:$MINIO_PORT" --console-address "$HOST:$MINIO_CONSOLE_PORT" --quiet
}

stop_comp() {
  local comp="$1" pid i
  if ! pid="$(our_pid "$comp")"; then log "$comp not running"; return 0; fi
  log "stopping $comp (pid $pid)"
  # The server leads its own process group (setsid); signal the whole group.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do # up to 20s for a graceful shutdown
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$comp did not exit in 20s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pidfile "$comp")"
}

# --- provisioning --------------------------------------------------------------

mc_() { "$(tool mc)" --quiet "$@"; }

exporter_policy_json() {
  cat <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "LakeBucketWriteOnlyWhatSecurityLakeAllows",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$LAKE_BUCKET"]
    },
    {
      "Sid": "LakeObjects",
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      "Resource": ["arn:aws:s3:::$LAKE_BUCKET/*"]
    },
    {
      "Sid": "StagingBucket",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$STAGING_BUCKET"]
    },
    {
      "Sid": "StagingObjectsReadWriteDelete",
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      "Resource": ["arn:aws:s3:::$STAGING_BUCKET/*"]
    },
    {
      "Sid": "ReadonlyBucketListAndHeadOnly",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
      "Resource": ["arn:aws:s3:::$READONLY_BUCKET"]
    },
    {
      "Sid": "AnyBucketExistenceLikeAws",
      "Effect": "Allow",
      "Action": ["s3:ListBucket"],
      "Resource": ["arn:aws:s3:::*"]
    },
    {
      "Sid": "ForeignBucketNoAccessAtAll",
      "Effect": "Deny",
      "Action": ["s3:*"],
      "Resource": ["arn:aws:s3:::$FOREIGN_BUCKET", "arn:aws:s3:::$FOREIGN_BUCKET/*"]
    }
  ]
}
EOF
}

provision() {
  log "provisioning minio (buckets, exporter user and policy)"
  mc_ alias set "$MC_ALIAS" "http://$HOST:$MINIO_PORT" "$MINIO_ROOT_USER_LOCAL" "$MINIO_ROOT_PASSWORD_LOCAL" --api S3v4 >/dev/null
  local b
  for b in "$LAKE_BUCKET" "$STAGING_BUCKET" "$READONLY_BUCKET" "$FOREIGN_BUCKET"; do
    mc_ mb --ignore-existing --region "$REGION" "$MC_ALIAS/$b" >/dev/null
  done
  local pf="$STACK_DIR/exporter-policy.json"
  exporter_policy_json >"$pf"
  mc_ admin policy create "$MC_ALIAS" "$EXPORTER_POLICY" "$pf" >/dev/null # create = upsert
  # Add the user only when missing: re-adding would churn a user whose
  # temporary credentials a running worker may hold.
  local info
  if ! info="$(mc_ admin user info "$MC_ALIAS" "$EXPORTER_ACCESS_KEY" --json 2>/dev/null)"; then
    mc_ admin user add "$MC_ALIAS" "$EXPORTER_ACCESS_KEY" "$EXPORTER_SECRET_KEY" >/dev/null
    info=""
  fi
  # `attach` fails when the policy is already attached, so look first.
  if [[ "$info" != *"\"policyName\":\"$EXPORTER_POLICY"* ]]; then
    mc_ admin policy attach "$MC_ALIAS" "$EXPORTER_POLICY" --user "$EXPORTER_ACCESS_KEY" >/dev/null
  fi
  # No STS permission to grant: MinIO lets any regular user AssumeRole, and the
  # temporary credentials carry that user's policy.
}

# --- commands ------------------------------------------------------------------

cmd_tools() {
  ensure_tools
  local name
  for name in temporal minio mc; do printf '%-9s %s\n' "$name" "$(tool "$name")"; done
}

UP_STARTED=() # servers this `up` started: stopped again if `up` fails

cmd_up() {
  ensure_tools
  cache_tools
  mkdir -p "$STACK_DIR"
  local start=$SECONDS c
  trap 'rc=$?; if [[ $rc -ne 0 && ${#UP_STARTED[@]} -gt 0 ]]; then log "up failed: stopping what it started"; for c in "${UP_STARTED[@]}"; do stop_comp "$c"; done; fi' EXIT
  # Check every port before starting anything, so a conflict leaves nothing half-up.
  for c in temporal minio; do our_pid "$c" >/dev/null || check_ports_free "$c"; done
  start_temporal
  start_minio
  wait_healthy temporal
  wait_healthy minio
  provision
  trap - EXIT
  log "stack is up ($((SECONDS - start))s)"
  cat >&2 <<EOF
[stack]   Temporal gRPC     $HOST:$TEMPORAL_PORT  (namespace $TEMPORAL_NAMESPACE)
[stack]   Temporal Web UI   http://$HOST:$TEMPORAL_UI_PORT
[stack]   S3 / STS (MinIO)  http://$HOST:$MINIO_PORT  (region $REGION)
[stack]   MinIO console     http://$HOST:$MINIO_CONSOLE_PORT  (user $MINIO_ROOT_USER_LOCAL / $MINIO_ROOT_PASSWORD_LOCAL)
[stack]   buckets           $LAKE_BUCKET (lake), $STAGING_BUCKET (staging), $READONLY_BUCKET (no write), $FOREIGN_BUCKET (no access)
[stack]   for your shell:   eval "\$(scripts/stack.sh env)"
[stack]   stop with:        scripts/stack.sh down
EOF
}

cmd_down() {
  local comps=("$@") c
  [[ ${#comps[@]} -gt 0 ]] || comps=(temporal minio)
  for c in "${comps[@]}"; do
    case "$c" in temporal | minio) stop_comp "$c" ;; *) die "unknown component: $c" ;; esac
  done
}

# One line per server: "<comp> running|stopped|foreign ..." (test/support parses
# the first two words).
cmd_status() {
  local comp pid port ok=0 health
  for comp in temporal minio; do
    if pid="$(our_pid "$comp")"; then
      if [[ -n "$(find_tool "$comp")" ]] && healthy "$comp"; then health=healthy; else health=unhealthy; ok=1; fi
      case "$comp" in
        temporal) printf 'temporal running pid=%s %s grpc=%s:%s ui=http://%s:%s\n' "$pid" "$health" "$HOST" "$TEMPORAL_PORT" "$HOST" "$TEMPORAL_UI_PORT" ;;
        minio) printf 'minio    running pid=%s %s s3=http://%s:%s console=http://%s:%s\n' "$pid" "$health" "$HOST" "$MINIO_PORT" "$HOST" "$MINIO_CONSOLE_PORT" ;;
      esac
    else
      ok=1
      local busy=""
      for port in $(ports_of "$comp"); do port_open "$port" && busy+=" $port"; done
      if [[ -n "$busy" ]]; then
        printf '%-8s foreign (not started by this script, but port(s)%s in use)\n' "$comp" "$busy"
      else
        printf '%-8s stopped\n' "$comp"
      fi
    fi
  done
  return $ok
}

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; } # single-quote for the shell

# EXPORTER_ACCOUNT_ID: MinIO has no STS GetCallerIdentity ("Unsupported action"),
# so the product shows this placeholder account instead. MC_CONFIG_DIR gives the
# shell `mc` with the admin alias, e.g. `mc ls --recursive sle-local/security-lake-local`.
cmd_env() {
  cat <<EOF
export TEMPORAL_ADDRESS=$(q "$HOST:$TEMPORAL_PORT")
export TEMPORAL_NAMESPACE=$(q "$TEMPORAL_NAMESPACE")
export AWS_ENDPOINT_URL=$(q "http://$HOST:$MINIO_PORT")
export S3_FORCE_PATH_STYLE=true
export AWS_REGION=$(q "$REGION")
export AWS_ACCESS_KEY_ID=$(q "$EXPORTER_ACCESS_KEY")
export AWS_SECRET_ACCESS_KEY=$(q "$EXPORTER_SECRET_KEY")
unset AWS_SESSION_TOKEN
export STAGING_BUCKET=$(q "$STAGING_BUCKET")
export LAKE_BUCKET=$(q "$LAKE_BUCKET")
export READONLY_BUCKET=$(q "$READONLY_BUCKET")
export FOREIGN_BUCKET=$(q "$FOREIGN_BUCKET")
export EXPORTER_ACCOUNT_ID=000000000000
export MC_CONFIG_DIR=$(q "$MC_CONFIG_DIR")
EOF
  # So that `temporal workflow list` works in that shell. Only when the cache
  # holds a tool that PATH does not already provide.
  local name need=0
  for name in temporal minio mc; do
    local onpath
    onpath="$(command -v "$name" 2>/dev/null || true)"
    if [[ -z "$onpath" ]] || ! is_valid_tool "$name" "$onpath"; then
      [[ -x "$TOOLS_DIR/$name" ]] && need=1
    fi
  done
  if [[ $need -eq 1 ]]; then
    printf 'export PATH=%s:"$PATH"\n' "$(q "$TOOLS_DIR")"
  fi
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    tools) cmd_tools ;;
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
