#!/usr/bin/env bash
# Run the Odoo test suite of every installable addon of this repository.
#
#   scripts/run_tests.sh
#
# Steps: start PostgreSQL if needed, install the Python requirements, check
# that Odoo 18.0 is importable (this project never downloads or builds Odoo),
# install chromium if missing (tours), create a fresh database with demo data,
# install all the addons with --test-enable, then fail on any failing test and
# on any WARNING/ERROR record of the Odoo log (checklog-odoo, ignore list in
# .ci/checklog-ignore).
#
# The very last line printed is always "<passed> passed, <failed> failed".
# passed/failed are Odoo's own counts (tests run - failures - errors, failures +
# errors). When no test failed but the run is red for another reason (dirty
# log, odoo exit code, an addon that ran no test...), one failure is counted per
# failing global check, so that the last line never says "0 failed" for a red
# run.
#
# Environment:
#   DB                  database name (default: retail_crm_test), dropped first
#   HTTP_PORT           first port tried for the test HTTP server (default 8079)
#   ODOO_TEST_LOG       log file (default: <repo>/odoo-test.log)
#   ODOO_TEST_TIMEOUT   seconds before the odoo run is killed (default 4500)
#   ODOO_DATA_DIR       Odoo data dir / filestore (default: <repo>/.odoo-data)
#   VERBOSE=1           print the whole Odoo log instead of a filtered view
#   SKIP_PIP=1          do not run pip install (offline use)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB="${DB:-retail_crm_test}"
LOG="${ODOO_TEST_LOG:-$ROOT/odoo-test.log}"
TIMEOUT="${ODOO_TEST_TIMEOUT:-4500}"
DATA_DIR="${ODOO_DATA_DIR:-$ROOT/.odoo-data}"
IGNORE_FILE="$ROOT/.ci/checklog-ignore"
PYTHON="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export PYTHONUNBUFFERED=1

SUMMARY_DONE=0
FOLLOW_PID=""
ODOO_PID=""
TMP_DIR="$(mktemp -d)"

log() { printf '[run_tests] %s\n' "$*"; }

# Print the final summary line and exit. Used by every exit path.
# shellcheck disable=SC2329  # invoked by the EXIT trap
finish() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$ODOO_PID" ] && kill -0 "$ODOO_PID" 2>/dev/null; then
        kill "$ODOO_PID" 2>/dev/null
        wait "$ODOO_PID" 2>/dev/null
    fi
    if [ -n "$FOLLOW_PID" ] && kill -0 "$FOLLOW_PID" 2>/dev/null; then
        kill "$FOLLOW_PID" 2>/dev/null
        wait "$FOLLOW_PID" 2>/dev/null
    fi
    rm -rf "$TMP_DIR"
    if [ "$SUMMARY_DONE" != 1 ]; then
        [ "$rc" -eq 0 ] && rc=1
        echo "FAILED: scripts/run_tests.sh stopped before the tests could be counted (exit code $rc); see the messages above."
        echo "0 passed, 1 failed"
    fi
    exit "$rc"
}
trap finish EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Print the summary line and exit with the given code.
summary_exit() { # <passed> <failed> <rc>
    SUMMARY_DONE=1
    echo "$1 passed, $2 failed"
    exit "$3"
}

fail_early() { # <rc> <message...>
    local rc="$1"
    shift
    echo "ERROR: $*"
    SUMMARY_DONE=1
    echo "0 passed, 1 failed"
    exit "$rc"
}

# --------------------------------------------------------------------------
# a. PostgreSQL
# --------------------------------------------------------------------------
start_postgres() {
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name status
        while read -r ver name _port status _rest; do
            [ -n "${ver:-}" ] || continue
            if [ "$status" != "online" ]; then
                log "starting PostgreSQL cluster $ver/$name"
                if [ "$(id -u)" -eq 0 ]; then
                    pg_ctlcluster "$ver" "$name" start
                else
                    pg_ctlcluster "$ver" "$name" start ||
                        fail_early 2 "PostgreSQL cluster $ver/$name is down and could not be started as $(id -un)"
                fi
            fi
        done < <(pg_lsclusters --no-header 2>/dev/null || true)
        if ! pg_lsclusters --no-header 2>/dev/null | grep -q online; then
            if [ "$(id -u)" -eq 0 ] && pg_lsclusters --no-header 2>/dev/null | grep -q '^15 *main'; then
                pg_ctlcluster 15 main start
            fi
        fi
    fi
    for _ in $(seq 1 30); do
        if pg_isready -q 2>/dev/null; then
            break
        fi
        sleep 1
    done
    pg_isready -q 2>/dev/null || fail_early 2 "PostgreSQL is not accepting connections (pg_lsclusters; pg_ctlcluster 15 main start)"

    local me
    me="$(id -un)"
    if ! psql -X -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            log "creating PostgreSQL superuser role '$me'"
            su postgres -c "createuser -s '$me'" </dev/null
        else
            fail_early 2 "cannot connect to PostgreSQL as role '$me'; create it with: sudo -u postgres createuser -s $me"
        fi
    fi
    if [ "$(psql -X -d postgres -Atc 'select rolsuper from pg_roles where rolname = current_user')" != "t" ]; then
        if [ "$(id -u)" -eq 0 ]; then
            su postgres -c "psql -X -q -c 'ALTER ROLE \"$me\" SUPERUSER'" </dev/null
        else
            fail_early 2 "PostgreSQL role '$me' is not a superuser"
        fi
    fi
}
start_postgres

# --------------------------------------------------------------------------
# b. Python requirements
# --------------------------------------------------------------------------
if [ "${SKIP_PIP:-0}" != 1 ]; then
    log "pip install -r requirements.txt -r test-requirements.txt"
    "$PYTHON" -m pip install -q -r requirements.txt -r test-requirements.txt </dev/null ||
        fail_early 1 "pip install of requirements.txt / test-requirements.txt failed"
fi

# --------------------------------------------------------------------------
# c. Odoo 18.0 must already be installed
# --------------------------------------------------------------------------
if ! "$PYTHON" -c 'import odoo, sys; sys.exit(odoo.release.version_info[:2] != (18, 0))' >/dev/null 2>&1; then
    fail_early 2 "Odoo 18.0 Community must be installed and importable as \`odoo\` in this python3; this project never downloads or builds Odoo; see README Prerequisites"
fi
# Run the odoo CLI as "python3 -m odoo": same interpreter as the check above,
# and immune to a broken "odoo" console script (old pkg_resources wrappers
# fail with DistributionNotFound when some dependency's metadata is odd).
ODOO=("$PYTHON" -m odoo)

# --------------------------------------------------------------------------
# d. chromium for the JS tours
# --------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        log "installing chromium (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -q && apt-get install -y -q chromium; } </dev/null ||
            fail_early 2 "apt-get install chromium failed"
    else
        fail_early 2 "/usr/bin/chromium is missing (needed by the tours); install it as root: apt-get install -y chromium"
    fi
fi

# --------------------------------------------------------------------------
# e. addons and database
# --------------------------------------------------------------------------
ADDONS="$("$PYTHON" - "$ROOT" <<'PY'
import ast, os, sys
root = sys.argv[1]
found = []
for name in sorted(os.listdir(root)):
    manifest = os.path.join(root, name, "__manifest__.py")
    if name.startswith(".") or not os.path.isfile(manifest):
        continue
    with open(manifest, encoding="utf-8") as f:
        data = ast.literal_eval(f.read())
    if data.get("installable", True):
        found.append(name)
print(",".join(found))
PY
)"
[ -n "$ADDONS" ] || fail_early 1 "no installable addon (directory with __manifest__.py) found in $ROOT"
IFS=, read -r -a ADDON_LIST <<<"$ADDONS"
TEST_TAGS="$(printf '/%s,' "${ADDON_LIST[@]}")"
TEST_TAGS="${TEST_TAGS%,}"
CORE_ADDONS="$("$PYTHON" -c 'import odoo.addons; print(",".join(odoo.addons.__path__))')"
ADDONS_PATH="$ROOT,$CORE_ADDONS"
log "addons: $ADDONS"
log "addons path: $ADDONS_PATH"

HTTP_PORT="$("$PYTHON" - "${HTTP_PORT:-8079}" <<'PY'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 200):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    sys.exit("no free TCP port")
PY
)"

log "creating fresh database '$DB'"
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$DB" </dev/null
rm -rf "$DATA_DIR/filestore/$DB"
createdb -T template0 -E UTF8 --lc-collate=C "$DB" </dev/null
psql -X -q -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null 2>&1 || true

# empty config file so that a stray ~/.odoorc cannot change the run
printf '[options]\n' >"$TMP_DIR/odoo.conf"

# --------------------------------------------------------------------------
# f. run odoo
# --------------------------------------------------------------------------
mkdir -p "$(dirname "$LOG")" "$DATA_DIR"
: >"$LOG"
ODOO_ARGS=(
    -c "$TMP_DIR/odoo.conf"
    -d "$DB"
    --db-filter="^${DB}\$"
    --addons-path="$ADDONS_PATH"
    --data-dir="$DATA_DIR"
    -i "$ADDONS"
    --test-enable
    --test-tags "$TEST_TAGS"
    --stop-after-init
    --log-level=info
    --http-interface=127.0.0.1
    --http-port="$HTTP_PORT"
    --max-cron-threads=0
    --logfile="$LOG"
)
log "${ODOO[*]} ${ODOO_ARGS[*]}"

set +e
timeout --kill-after=60 "$TIMEOUT" "${ODOO[@]}" "${ODOO_ARGS[@]}" \
    </dev/null >"$TMP_DIR/odoo.out" 2>&1 &
ODOO_PID=$!
# follow the log while odoo runs (tail stops by itself when odoo is gone)
if [ "${VERBOSE:-0}" = 1 ]; then
    tail --pid="$ODOO_PID" -n +1 -F "$LOG" 2>/dev/null &
else
    # progress view: problems, test starts/results, module loading milestones
    tail --pid="$ODOO_PID" -n +1 -F "$LOG" 2>/dev/null | grep --line-buffered -E \
        ' (WARNING|ERROR|CRITICAL) |odoo\.tests\.(result|stats)|odoo\.modules\.loading: (Loading module|loading [0-9]+ modules|Modules loaded)|: Starting |^(Traceback|AssertionError|[A-Za-z.]*Error)' &
fi
FOLLOW_PID=$!
wait "$ODOO_PID"
ODOO_RC=$?
ODOO_PID=""
wait "$FOLLOW_PID" 2>/dev/null
FOLLOW_PID=""
set -e

# stdout/stderr of the process (tracebacks before logging was set up, etc.)
if grep -qv "^Running as user 'root' is a security risk.$" "$TMP_DIR/odoo.out" 2>/dev/null; then
    echo "----- odoo stdout/stderr -----"
    grep -v "^Running as user 'root' is a security risk.$" "$TMP_DIR/odoo.out" | tail -n 100
fi
echo "----- last lines of $LOG -----"
tail -n 25 "$LOG"
echo "------------------------------"

# --------------------------------------------------------------------------
# g. log check + exit code
# --------------------------------------------------------------------------
EXTRA_FAILED=0
REASONS=()

if [ "$ODOO_RC" -ne 0 ]; then
    if [ "$ODOO_RC" -eq 124 ] || [ "$ODOO_RC" -eq 137 ]; then
        REASONS+=("odoo was killed after ${TIMEOUT}s (ODOO_TEST_TIMEOUT)")
    else
        REASONS+=("odoo exited with code $ODOO_RC")
    fi
    EXTRA_FAILED=$((EXTRA_FAILED + 1))
fi

IGNORE_ARGS=()
if [ -f "$IGNORE_FILE" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        IGNORE_ARGS+=(--ignore "$line")
    done <"$IGNORE_FILE"
fi
log "checklog-odoo $LOG ($((${#IGNORE_ARGS[@]} / 2)) ignore pattern(s) from .ci/checklog-ignore)"
set +e
(cd "$TMP_DIR" && checklog-odoo --no-echo ${IGNORE_ARGS[@]+"${IGNORE_ARGS[@]}"} "$LOG")
CHECKLOG_RC=$?
set -e
if [ "$CHECKLOG_RC" -ne 0 ]; then
    REASONS+=("the Odoo log contains WARNING/ERROR records not listed in .ci/checklog-ignore (checklog-odoo exit $CHECKLOG_RC)")
    EXTRA_FAILED=$((EXTRA_FAILED + 1))
fi

# --------------------------------------------------------------------------
# h. test counts
# --------------------------------------------------------------------------
RESULT_LINE="$(grep -E 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$LOG" | tail -n 1 || true)"
if [ -z "$RESULT_LINE" ]; then
    for r in "${REASONS[@]}"; do echo "FAILED: $r"; done
    echo "FAILED: no 'N failed, N error(s) of N tests when loading database' line in $LOG: the tests did not run to completion"
    summary_exit 0 1 1
fi
read -r F E N < <(sed -E 's/.*odoo\.tests\.result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$RESULT_LINE")
PASSED=$((N - F - E))
FAILED=$((F + E))
# failing subtests are counted one by one by Odoo: never print a negative number
[ "$PASSED" -ge 0 ] || PASSED=0
log "odoo: $RESULT_LINE"

if [ "$N" -eq 0 ]; then
    REASONS+=("no test was run (0 tests)")
    EXTRA_FAILED=$((EXTRA_FAILED + 1))
fi
for addon in "${ADDON_LIST[@]}"; do
    if [ -d "$ROOT/$addon/tests" ] && ! grep -qE " odoo\.addons\.${addon}\.tests[.:]" "$LOG"; then
        REASONS+=("addon $addon has a tests/ folder but ran no test")
        EXTRA_FAILED=$((EXTRA_FAILED + 1))
    fi
done
if [ "$FAILED" -gt 0 ]; then
    REASONS+=("$F test failure(s) and $E test error(s); search '$LOG' for 'FAIL:' and 'ERROR:'")
fi

if [ "${#REASONS[@]}" -gt 0 ]; then
    for r in "${REASONS[@]}"; do echo "FAILED: $r"; done
    if [ "$FAILED" -eq 0 ]; then
        # red for a reason other than a failing test: never print "0 failed"
        echo "(no Odoo test failed; the $EXTRA_FAILED failure(s) counted below are the global checks above)"
        summary_exit "$PASSED" "$EXTRA_FAILED" 1
    fi
    summary_exit "$PASSED" "$FAILED" 1
fi
echo "OK: $N tests of $ADDONS passed, clean log"
summary_exit "$PASSED" "$FAILED" 0
