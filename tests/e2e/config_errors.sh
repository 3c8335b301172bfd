#!/usr/bin/env bash
# The exporter binary refuses each invalid configuration at start: exit 1 and one log line that
# names the file and the key. The files' first line says which key: "# key: poll.interval".
#   config_errors.sh EXPORTER INVALID_CONFIG_DIR
set -euo pipefail
exporter=$1 dir=$2
failures=0

check() {
    local file="$dir/$1"
    local key
    key=$(sed -n 's/^# key: //p' "$file")
    local out status=0
    out=$("$exporter" --config.file "$file" --web.listen-address 127.0.0.1:0 2>&1) || status=$?
    if [ "$status" -ne 1 ]; then
        echo "FAIL: $1: exit $status, want 1"
        failures=$((failures + 1))
    elif ! grep -q 'level=error' <<<"$out" || ! grep -qF "$file" <<<"$out" ||
        ! grep -qF "$key" <<<"$out"; then
        echo "FAIL: $1: the error does not name the file and \"$key\": $out"
        failures=$((failures + 1))
    else
        echo "ok: $1: $(grep 'level=error' <<<"$out" | sed 's/.*err=//')"
    fi
}

for name in unknown_top_level_key.yml unknown_account_key.yml duration_garbage.yml \
    duration_without_unit.yml unknown_timezone.yml token_file_missing.yml; do
    check "$name"
done

# --config.check runs the same checks and says what is wrong on standard error.
if "$exporter" --config.file "$dir/unknown_timezone.yml" --config.check 2>/dev/null; then
    echo "FAIL: --config.check accepted an unknown time zone"
    failures=$((failures + 1))
fi
[ "$failures" -eq 0 ]
