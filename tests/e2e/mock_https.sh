#!/usr/bin/env bash
# End to end: the mock API over HTTPS with a self-signed certificate, the exporter polling it,
# both on ephemeral ports. The exporter must become ready and serve the mock's agents with the
# values the mock computed for the report it served, on a page that promtool accepts.
#   mock_https.sh EXPORTER MOCK CHECK_PAGE
set -euo pipefail
exporter=$1 mock=$2 check_page=$3
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$work"' EXIT
token="e2e-token-$RANDOM$RANDOM"
agents=50
# A business day that began twelve hours ago, so that most of the mock's agents have logged in
# whatever the time of day the test runs.
day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)

fail() {
    echo "FAIL: $*" >&2
    echo "--- exporter log" >&2; cat "$work/exporter.log" >&2 || true
    echo "--- mock log" >&2; cat "$work/mock.log" >&2 || true
    exit 1
}

make_certificate "$work"
printf '%s\n' "$token" >"$work/token"
mkdir "$work/dump"

start_process "$work/mock.log" "$mock" --listen-address 127.0.0.1:0 \
    --tls-cert-file "$work/cert.pem" --tls-key-file "$work/key.pem" \
    --agents "$agents" --seed 7 --account-id 15300002 --timezone US/Eastern \
    --day-start "$day_start" \
    --api-token "$token" --dump-dir "$work/dump" --address-file "$work/mock.address"
wait_for 20 "the mock to listen" test -s "$work/mock.address" || fail "no mock"
mock_port=$(sed 's/.*://' "$work/mock.address")

# One poll only (a long interval), so the page and the mock's dump describe the same report.
cat >"$work/config.yml" <<YAML
poll:
  interval: 1h
  timeout: 30s
  max_staleness: 2h
accounts:
  - account_id: "15300002"
    api_url: https://localhost:$mock_port/voice/api/v1
    timezone: US/Eastern
    day_start: "$day_start"
    ca_file: $work/cert.pem
    auth:
      mode: api_token
      token_file: $work/token
YAML

start_process "$work/exporter.log" "$exporter" --config.file "$work/config.yml" \
    --web.listen-address 127.0.0.1:0 --log.level debug
wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$work/exporter.log" ||
    fail "no exporter"
address=$(listening_address "$work/exporter.log")
wait_for 30 "the exporter to be ready" curl -sf "http://$address/-/ready" || fail "not ready"

curl -sf "http://$address/metrics" >"$work/page"
curl -sf "http://$address/" >"$work/landing"

fail() {
    echo "FAIL: $*" >&2
    echo "--- exporter log" >&2; cat "$work/exporter.log" >&2
    echo "--- mock log" >&2; cat "$work/mock.log" >&2
    exit 1
}

grep -q '^engagevoice_up{account_id="15300002"} 1$' "$work/page" || fail "engagevoice_up is not 1"
promtool check metrics <"$work/page" || fail "promtool rejects the page"
"$check_page" "$work/page" "$work/dump/last_report.expected.json" ||
    fail "the page differs from what the mock served"

served=$(grep -c '^engagevoice_agent_info{' "$work/page" || true)
echo "agents on the page: $served"
[ "$served" -ge $((agents / 2)) ] || fail "fewer than half the mock's agents on the page"
[ "$served" -le "$agents" ] || fail "more agents than the mock has"
grep -q '15300002' "$work/landing" || fail "the landing page does not list the account"

if grep -q "$token" "$work/exporter.log" "$work/page" "$work/landing"; then
    fail "the API token appears in a log or a page"
fi
echo "ok: exporter serves the mock's agents over HTTPS"
