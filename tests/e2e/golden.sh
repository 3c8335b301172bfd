#!/usr/bin/env bash
# Golden test of the render command on one report fixture:
#   golden.sh EXPORTER CHECK_PAGE FIXTURES_DIR NAME [--update]
# The page must hold exactly the values of NAME.expected.json, pass `promtool check metrics`,
# and equal the checked-in NAME.prom (rewritten instead with --update).
# For a fixture without an expected file, render must fail and name the missing column.
set -euo pipefail

exporter=$1 check_page=$2 fixtures=$3 name=$4 update=${5:-}
report="$fixtures/$name.csv"
expected="$fixtures/$name.expected.json"
golden="$fixtures/$name.prom"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$expected" ]; then
    if "$exporter" render --report "$report" --timezone US/Eastern >"$work/page" 2>"$work/err"; then
        echo "FAIL: render accepted $name.csv, which has no expected values" >&2
        exit 1
    fi
    cat "$work/err"
    grep -q 'Login Time (min)' "$work/err" || { echo "FAIL: error does not name the column" >&2; exit 1; }
    echo "ok: $name refused, naming the missing column"
    exit 0
fi

timezone=$(sed -n 's/.*"timezone": *"\([^"]*\)".*/\1/p' "$expected")
account_id=$(sed -n 's/.*"account_id": *"\([^"]*\)".*/\1/p' "$expected" | head -n 1)
"$exporter" render --report "$report" --timezone "$timezone" --account-id "$account_id" \
    >"$work/page"

"$check_page" "$work/page" "$expected"
promtool check metrics <"$work/page"

if [ "$update" = "--update" ]; then
    cp "$work/page" "$golden"
    echo "updated $golden"
fi
diff -u "$golden" "$work/page"
echo "ok: $name"
