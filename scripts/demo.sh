#!/usr/bin/env bash
# Start a demo Odoo with every installable addon of this repository.
#
#   scripts/demo.sh            create the demo database if needed, then serve
#   scripts/demo.sh --reset    drop and recreate the demo database first
#
# The database (default retail_crm_demo, $DEMO_DB) is created with demo data;
# the demo logins of scripts/demo_logins.txt are printed, then Odoo serves on
# http://localhost:8069 ($DEMO_PORT) until Ctrl-C.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB="${DEMO_DB:-retail_crm_demo}"
PORT="${DEMO_PORT:-8069}"
DATA_DIR="${ODOO_DATA_DIR:-$ROOT/.odoo-data}"
PYTHON="${PYTHON:-python3}"
RESET=0
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

for arg in "$@"; do
    case "$arg" in
    --reset) RESET=1 ;;
    -h | --help)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "unknown argument: $arg (use --reset or --help)" >&2
        exit 2
        ;;
    esac
done

log() { printf '[demo] %s\n' "$*"; }
die() {
    echo "ERROR: $2" >&2
    exit "$1"
}

# --- PostgreSQL -------------------------------------------------------------
if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name _port status _rest; do
        [ -n "${ver:-}" ] || continue
        if [ "$status" != "online" ]; then
            log "starting PostgreSQL cluster $ver/$name"
            pg_ctlcluster "$ver" "$name" start || die 2 "cannot start PostgreSQL cluster $ver/$name"
        fi
    done < <(pg_lsclusters --no-header 2>/dev/null || true)
fi
for _ in $(seq 1 30); do
    pg_isready -q 2>/dev/null && break
    sleep 1
done
pg_isready -q 2>/dev/null || die 2 "PostgreSQL is not accepting connections (pg_lsclusters; pg_ctlcluster 15 main start)"
ME="$(id -un)"
if ! psql -X -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        log "creating PostgreSQL superuser role '$ME'"
        su postgres -c "createuser -s '$ME'" </dev/null
    else
        die 2 "cannot connect to PostgreSQL as role '$ME'; create it with: sudo -u postgres createuser -s $ME"
    fi
fi

# --- Odoo 18.0 and Python requirements -------------------------------------
if ! "$PYTHON" -c 'import odoo, sys; sys.exit(odoo.release.version_info[:2] != (18, 0))' >/dev/null 2>&1; then
    die 2 "Odoo 18.0 Community must be installed and importable as \`odoo\` in this python3; this project never downloads or builds Odoo; see README Prerequisites"
fi
"$PYTHON" -m pip install -q -r requirements.txt </dev/null || die 1 "pip install -r requirements.txt failed"
# "python3 -m odoo" is the odoo CLI of this very interpreter
ODOO=("$PYTHON" -m odoo)

# --- addons -----------------------------------------------------------------
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
[ -n "$ADDONS" ] || die 1 "no installable addon found in $ROOT"
CORE_ADDONS="$("$PYTHON" -c 'import odoo.addons; print(",".join(odoo.addons.__path__))')"
ADDONS_PATH="$ROOT,$CORE_ADDONS"
mkdir -p "$DATA_DIR"
printf '[options]\n' >"$DATA_DIR/demo-odoo.conf"
COMMON_ARGS=(
    -c "$DATA_DIR/demo-odoo.conf"
    -d "$DB"
    --db-filter="^${DB}\$"
    --addons-path="$ADDONS_PATH"
    --data-dir="$DATA_DIR"
)

# --- database ---------------------------------------------------------------
db_exists() { [ "$(psql -X -d postgres -Atc "select 1 from pg_database where datname = '$DB'")" = 1 ]; }
addons_installed() {
    local missing
    missing="$(psql -X -d "$DB" -Atc "select count(*) from unnest(string_to_array('$ADDONS', ',')) m
        where not exists (select 1 from ir_module_module i where i.name = m and i.state = 'installed')" 2>/dev/null || echo 1)"
    [ "$missing" = 0 ]
}

if [ "$RESET" = 1 ] && db_exists; then
    log "dropping database '$DB' (--reset)"
    dropdb --force "$DB" </dev/null
fi
if db_exists && ! addons_installed; then
    log "database '$DB' exists but $ADDONS is not fully installed: recreating it"
    dropdb --force "$DB" </dev/null
fi
if ! db_exists; then
    rm -rf "$DATA_DIR/filestore/$DB"
    log "creating database '$DB' with demo data and addons: $ADDONS (takes a few minutes)"
    createdb -T template0 -E UTF8 --lc-collate=C "$DB" </dev/null
    psql -X -q -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null 2>&1 || true
    # Odoo 18 loads demo data by default in a new database
    "${ODOO[@]}" "${COMMON_ARGS[@]}" -i "$ADDONS" --stop-after-init \
        --max-cron-threads=0 --http-port="$PORT" --logfile="$DATA_DIR/demo-init.log" </dev/null ||
        die 1 "installation failed, see $DATA_DIR/demo-init.log"
    addons_installed || die 1 "installation failed, see $DATA_DIR/demo-init.log"
else
    log "reusing database '$DB' (scripts/demo.sh --reset to recreate it)"
fi

# --- logins -----------------------------------------------------------------
echo
echo "Retail CRM demo: http://localhost:$PORT  (database $DB)"
echo
if [ -f "$ROOT/scripts/demo_logins.txt" ]; then
    grep -v '^#' "$ROOT/scripts/demo_logins.txt" | sed '/^[[:space:]]*$/d'
fi
echo
log "serving on http://localhost:$PORT (Ctrl-C to stop)"
exec "${ODOO[@]}" "${COMMON_ARGS[@]}" --http-port="$PORT"
