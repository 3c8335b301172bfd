#!/usr/bin/env bash
# End to end: scrapes under load while a poll hangs. After one good poll the mock holds its
# answers back far longer than the test; while the next poll waits for it, 50 clients scrape
# /metrics for 10 seconds with wrk. Every answer must be a 200 with a whole page (as long as its
# Content-Length, ending with a line end, holding engagevoice_up), and the poll must still hang
# when the load ends. The same load runs first with no poll waiting, as a baseline; both latency
# distributions and their ratio are printed, never asserted on.
#   scrape_load.sh EXPORTER MOCK
set -euo pipefail
exporter=$1 mock=$2
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK

command -v wrk >/dev/null || fail "wrk is not installed (scripts/install-deps installs it)"

# Counts the answers that are not a 200 with a whole page, in every thread; done() adds them up
# and prints them with the latency percentiles.
cat >"$work/check.lua" <<'LUA'
answers, non_200, incomplete, smallest, largest = 0, 0, 0, math.huge, 0
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function response(status, headers, body)
    answers = answers + 1
    local length = tonumber(headers["Content-Length"] or headers["content-length"])
    if status ~= 200 then
        non_200 = non_200 + 1
    elseif (length and length ~= #body) or body:sub(-1) ~= "\n" or
        not body:find("\nengagevoice_up{", 1, true) then
        incomplete = incomplete + 1
    end
    smallest = math.min(smallest, #body)
    largest = math.max(largest, #body)
end

function done(summary, latency, requests)
    local total = {answers = 0, non_200 = 0, incomplete = 0}
    local low, high = math.huge, 0
    for _, thread in ipairs(threads) do
        for key in pairs(total) do
            total[key] = total[key] + thread:get(key)
        end
        low = math.min(low, thread:get("smallest"))
        high = math.max(high, thread:get("largest"))
    end
    io.write(string.format("answers=%d non_200=%d incomplete=%d body_bytes=%d..%d\n",
        total.answers, total.non_200, total.incomplete, low, high))
    io.write(string.format("p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f requests_per_second=%.0f\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
LUA

# The mock, and the exporter with a poll timeout as long as its interval, so that a held-back
# answer keeps the poll waiting for 30 s, well past the 10 s of load.
api_token="e2e-load-token-$RANDOM$RANDOM"
printf '%s\n' "$api_token" >"$work/token"
day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)
make_certificate "$work"
start_process "$work/mock.log" "$mock" --listen-address 127.0.0.1:0 \
    --tls-cert-file "$work/cert.pem" --tls-key-file "$work/key.pem" --agents 200 --seed 9 \
    --account-id 15300002 --timezone US/Eastern --day-start "$day_start" \
    --api-token "$api_token" --address-file "$work/mock.address"
wait_for 20 "the mock to listen" test -s "$work/mock.address" || fail "no mock"
base="https://localhost:$(sed 's/.*://' "$work/mock.address")"
cat >"$work/config.yml" <<YAML
poll:
  interval: 30s
  timeout: 30s
  max_staleness: 2h
accounts:
  - account_id: "15300002"
    api_url: $base/voice/api/v1
    timezone: US/Eastern
    day_start: "$day_start"
    ca_file: $work/cert.pem
    auth:
      mode: api_token
      token_file: $work/token
YAML
start_process "$work/exporter.log" "$exporter" --config.file "$work/config.yml" \
    --web.listen-address 127.0.0.1:0
wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$work/exporter.log" ||
    fail "no exporter"
address=$(listening_address "$work/exporter.log")
wait_for 30 "the exporter to be ready" curl -sf "http://$address/-/ready" || fail "not ready"

metric() {
    curl -sf "http://$address/metrics" |
        awk -v m="$1" '$1 == m { print $2; found = 1 } END { if (!found) print "absent" }'
}
report_requests() {
    curl -sf --cacert "$work/cert.pem" "$base/mock/stats" |
        sed -n -E 's/.*"report_requests": *([0-9]+).*/\1/p'
}
# A poll asked for the report after the delay was planned, so it waits on the mock.
poll_waiting() { [ "$(report_requests)" -gt "$asked" ]; }

[ "$(metric 'engagevoice_up{account_id="15300002"}')" = 1 ] || fail "the first poll failed"

# load FILE: 50 clients scrape /metrics for 10 s; wrk's output goes to FILE.
load() {
    wrk -t2 -c50 -d10s --timeout 10s --latency -s "$work/check.lua" "http://$address/metrics" \
        >"$1" 2>&1 || { cat "$1"; fail "wrk failed"; }
}
# The baseline, in the same run: the same load while no poll waits (the next is 30 s away).
load "$work/baseline.out"
baseline=$(grep '^p50_ms=' "$work/baseline.out") || fail "wrk printed no baseline summary"

curl -sf --cacert "$work/cert.pem" -d '{"kind":"delay","seconds":600}' "$base/mock/faults" \
    >/dev/null || fail "the mock refused the delay"
asked=$(report_requests)
wait_for 60 "the next poll to wait on the mock" poll_waiting || fail "no poll after the delay"
polls=$(metric 'engagevoice_polls_total{account_id="15300002"}')

load "$work/wrk.out"
cat "$work/wrk.out"

summary=$(grep '^answers=' "$work/wrk.out") || fail "wrk printed no summary"
answers=$(sed -E 's/answers=([0-9]+).*/\1/' <<<"$summary")
[ "$answers" -gt 0 ] || fail "no scrape was answered"
grep -q ' non_200=0 incomplete=0 ' <<<"$summary" || fail "scrapes failed: $summary"
if grep -q 'Socket errors' "$work/wrk.out"; then
    fail "connections failed or timed out: $(grep 'Socket errors' "$work/wrk.out")"
fi
[ "$(metric 'engagevoice_polls_total{account_id="15300002"}')" = "$polls" ] ||
    fail "the poll did not hang through the load; the test proves nothing"
[ "$(report_requests)" = $((asked + 1)) ] || fail "the exporter asked for the report again meanwhile"
# Reported, never asserted: the machine may be shared.
loaded=$(grep '^p50_ms=' "$work/wrk.out")
echo "baseline without a poll waiting: $baseline"
echo "with a poll waiting:             $loaded"
awk -v a="$baseline" -v b="$loaded" 'BEGIN {
    split(a, x, /[ =]/); split(b, y, /[ =]/)
    printf "ratio with/without a poll waiting: p50 %.2f, p90 %.2f, p99 %.2f\n",
        y[2] / x[2], y[4] / x[4], y[6] / x[6]
}'
echo "ok: $answers scrapes answered whole while a poll waited on the upstream"
