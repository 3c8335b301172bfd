#!/usr/bin/env bash
# End to end: the mock API over HTTPS with a self-signed certificate, the exporter polling it,
# both on ephemeral ports. The exporter must become ready and serve the mock's agents with the
# values the mock computed for the report it served, on a page that promtool accepts.
#   mock_https.sh EXPORTER MOCK CHECK_PAGE
set -euo pipefail
exporter=$1 mock=$2 check_page=$3
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
agents=50

# One poll only (a long interval), so the page and the mock's dump describe the same report.
start_stack "$exporter" "$mock" "$agents" 1h
work=$E2E_WORK
curl -sf "http://$E2E_ADDRESS/metrics" >"$work/page"
curl -sf "http://$E2E_ADDRESS/" >"$work/landing"

grep -q '^engagevoice_up{account_id="15300002"} 1$' "$work/page" || fail "engagevoice_up is not 1"
grep -q '^engagevoice_config_last_reload_successful 1$' "$work/page" ||
    fail "the configuration load is not reported"
promtool check metrics <"$work/page" || fail "promtool rejects the page"
"$check_page" "$work/page" "$work/dump/last_report.expected.json" ||
    fail "the page differs from what the mock served"

served=$(grep -c '^engagevoice_agent_info{' "$work/page" || true)
echo "agents on the page: $served"
[ "$served" -ge $((agents / 2)) ] || fail "fewer than half the mock's agents on the page"
[ "$served" -le "$agents" ] || fail "more agents than the mock has"
grep -q '15300002' "$work/landing" || fail "the landing page does not list the account"

if grep -q "$E2E_TOKEN" "$work/exporter.log" "$work/page" "$work/landing"; then
    fail "the API token appears in a log or a page"
fi
echo "ok: exporter serves the mock's agents over HTTPS"
