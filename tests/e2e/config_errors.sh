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
# A CA file that is not PEM passes the schema but cannot be loaded: the check must say so too.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "not a certificate" >"$work/ca.pem"
cat >"$work/config.yml" <<YAML
accounts:
  - account_id: "1"
    timezone: UTC
    ca_file: $work/ca.pem
    auth:
      mode: api_token
      token: t
YAML
if out=$("$exporter" --config.file "$work/config.yml" --config.check 2>&1); then
    echo "FAIL: --config.check accepted a CA file that cannot be loaded"
    failures=$((failures + 1))
elif ! grep -qF 'ca_file' <<<"$out"; then
    echo "FAIL: --config.check does not name ca_file: $out"
    failures=$((failures + 1))
else
    echo "ok: --config.check: $out"
fi
# A token file with a NUL byte (a binary file mounted by mistake) cannot make a header.
printf 'abc\0def\n' >"$work/token"
cat >"$work/nul.yml" <<YAML
accounts:
  - account_id: "1"
    timezone: UTC
    auth:
      mode: api_token
      token_file: $work/token
YAML
if out=$("$exporter" --config.file "$work/nul.yml" --config.check 2>&1); then
    echo "FAIL: --config.check accepted a token file with a NUL byte"
    failures=$((failures + 1))
elif ! grep -qF 'accounts[0].auth.token_file' <<<"$out" || ! grep -qF 'a NUL' <<<"$out"; then
    echo "FAIL: --config.check does not name accounts[0].auth.token_file and the NUL: $out"
    failures=$((failures + 1))
else
    echo "ok: --config.check: $out"
fi
[ "$failures" -eq 0 ]
