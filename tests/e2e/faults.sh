#!/usr/bin/env bash
# End to end: the exporter polling the mock while the mock injects one kind of fault. After one
# good poll the fault is planned; the exporter must keep answering scrapes, count the failure
# under the right reason only (and the status in engagevoice_api_requests_total), log it with a
# short excerpt, and keep serving the last good per-agent values. The fault stays until
# poll.max_staleness has passed: then the per-agent series must be gone and the exporter's own
# series still there. Once the fault is cleared, the next poll must serve the values of the
# report the mock then served.
#   faults.sh EXPORTER MOCK CHECK_PAGE CASE
# CASE is one of (the reason it must count):
#   status_500              a 500 with the Engage JSON error                    http
#   status_503_retry_after  a 503 with Retry-After: 25; the next poll waits 25s  http
#   rate_limited            a 429 with Retry-After: 25; the next poll waits 25s  rate_limited
#   html_200                a web filter's HTML page with 200                   parse
#   html_504                a gateway's HTML page with 504                      http
#   json_error              a JSON error with 200                               parse
#   empty                   a 200 without a body                                parse
#   garbage                 a 200 with binary bytes                             parse
#   truncated_row           a CSV cut in the middle of a row                    parse
#   truncated_length        a Content-Length larger than the body (plain http)  network
#   reset                   the connection reset without an answer            network
#   delay                   an answer held back past poll.timeout               timeout
#   expired_token           401 Jwt is expired: one refresh and one retry mend
#                           it; when the retry is refused too, the poll fails
#                           without asking a third time; later polls keep
#                           getting it until max_staleness has passed           auth
#   auth_unavailable        a 503 from the sign-in endpoints                    http
set -euo pipefail
exporter=$1 mock=$2 check_page=$3 case=$4
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK

mode=api_token scheme=https token_lifetime=5m max_staleness=40s retry_after=0
endpoint=report
case $case in
    status_500)
        fault='{"kind":"status","status":500}' reason=http code=500 says=INTERNAL_ERROR ;;
    status_503_retry_after)
        fault='{"kind":"status","status":503,"retry_after":25}' reason=http code=503
        says='report request answered 503' retry_after=25 ;;
    rate_limited)
        fault='{"kind":"rate_limited","retry_after":25}' reason=rate_limited code=429
        says=TOO_MANY_REQUESTS retry_after=25 ;;
    html_200)
        fault='{"kind":"html","status":200}' reason=parse code=200 says='Web filter' ;;
    html_504)
        fault='{"kind":"html","status":504}' reason=http code=504 says='504 Gateway Time-out' ;;
    json_error)
        fault='{"kind":"status","status":200,"body":{"errors":[{"errorCode":"REPORT_FAILED"}]}}'
        reason=parse code=200 says=REPORT_FAILED ;;
    empty)
        fault='{"kind":"empty"}' reason=parse code=200 says='report body is empty' ;;
    garbage)
        fault='{"kind":"garbage"}' reason=parse code=200 says='????' ;;
    truncated_row)
        fault='{"kind":"truncate"}' reason=parse code=200 says='the body was cut short' ;;
    truncated_length)
        fault='{"kind":"truncate","cut":"content_length"}' reason=network code=error
        says='partial message' scheme=http ;;
    reset)
        fault='{"kind":"reset"}' reason=network code=error says='reading the response' ;;
    delay)
        fault='{"kind":"delay","seconds":120}' reason=timeout code=error says='timed out' ;;
    expired_token)
        fault='{"kind":"expired_token","count":2}' reason=auth code=401 says='Jwt is expired'
        mode=ringcentral_jwt ;;
    auth_unavailable)
        fault='{"kind":"status","status":503,"target":"auth"}' reason=http code=503
        says='Engage token refresh answered 503' mode=ringcentral_jwt token_lifetime=3s
        endpoint=refresh ;;
    *) fail "unknown case $case" ;;
esac

# The mock and the exporter, polling every 15 s (the minimum) with an 8 s timeout.
start_fault_stack() {
    api_token="aws80:e2e-fault-token-$RANDOM$RANDOM"
    client_secret="e2e-client-secret-$RANDOM$RANDOM"
    jwt="e2e.jwt-assertion.$RANDOM$RANDOM"
    printf '%s\n' "$api_token" >"$work/api_token"
    printf '%s\n' "$client_secret" >"$work/client_secret"
    printf '%s\n' "$jwt" >"$work/jwt"
    local day_start
    day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)
    mkdir -p "$work/dump"

    local tls=() host=127.0.0.1 ca=""
    if [ "$scheme" = https ]; then
        make_certificate "$work"
        tls=(--tls-cert-file "$work/cert.pem" --tls-key-file "$work/key.pem")
        host=localhost ca="    ca_file: $work/cert.pem"
    fi
    export ENGAGE_VOICE_MOCK_API_TOKEN=$api_token ENGAGE_VOICE_MOCK_CLIENT_SECRET=$client_secret
    export ENGAGE_VOICE_MOCK_JWT=$jwt
    start_process "$work/mock.log" "$mock" --listen-address 127.0.0.1:0 "${tls[@]}" \
        --agents 30 --seed 5 --account-id 15300002 --timezone US/Eastern \
        --day-start "$day_start" --client-id e2e-client --token-lifetime "$token_lifetime" \
        --dump-dir "$work/dump" --address-file "$work/mock.address"
    unset ENGAGE_VOICE_MOCK_API_TOKEN ENGAGE_VOICE_MOCK_CLIENT_SECRET ENGAGE_VOICE_MOCK_JWT
    wait_for 20 "the mock to listen" test -s "$work/mock.address" || fail "no mock"
    base="$scheme://$host:$(sed 's/.*://' "$work/mock.address")"
    mock_curl=(curl -sf)
    [ "$scheme" = https ] && mock_curl+=(--cacert "$work/cert.pem")

    local auth="      mode: api_token
      token_file: $work/api_token"
    if [ "$mode" = ringcentral_jwt ]; then
        auth="      mode: ringcentral_jwt
      ringcentral_url: $base
      auth_url: $base/api/auth
      client_id: e2e-client
      client_secret_file: $work/client_secret
      jwt_file: $work/jwt"
    fi
    cat >"$work/config.yml" <<YAML
poll:
  interval: 15s
  timeout: 8s
  max_staleness: $max_staleness
accounts:
  - account_id: "15300002"
    api_url: $base/voice/api/v1
    timezone: US/Eastern
    day_start: "$day_start"
$ca
    auth:
$auth
YAML

    start_process "$work/exporter.log" "$exporter" --config.file "$work/config.yml" \
        --web.listen-address 127.0.0.1:0 --log.level debug
    wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$work/exporter.log" ||
        fail "no exporter"
    address=$(listening_address "$work/exporter.log")
    wait_for 30 "the exporter to be ready" curl -sf "http://$address/-/ready" || fail "not ready"
}

# Every scrape of the test goes through here and fails the test on anything but a 200.
scrape() {
    curl -sf "http://$address/metrics" >"$work/page" || fail "a scrape was not answered with 200"
}

# metric NAME_AND_LABELS: its value on a fresh scrape, or "absent".
metric() {
    scrape
    awk -v m="$1" '$1 == m { print $2; found = 1 } END { if (!found) print "absent" }' \
        "$work/page"
}
errors() { metric "engagevoice_poll_errors_total{account_id=\"15300002\",reason=\"$1\"}"; }
up_is() { [ "$(metric 'engagevoice_up{account_id="15300002"}')" = "$1" ]; }
errors_at_least() {
    local count
    count=$(errors "$1")
    [ "$count" != absent ] && [ "${count%.*}" -ge "$2" ]
}
polls_at_least() {
    local polls
    polls=$(metric 'engagevoice_polls_total{account_id="15300002"}')
    [ "$polls" != absent ] && [ "${polls%.*}" -ge "$1" ]
}
agents_gone() {
    scrape
    ! grep -q '^engagevoice_agent_' "$work/page"
}
mock_stat() {
    "${mock_curl[@]}" "$base/mock/stats" | sed -n -E "s/.*\"$1\": *([0-9]+).*/\1/p"
}
plan_faults() {
    "${mock_curl[@]}" -d "$1" "$base/mock/faults" >/dev/null || fail "the mock refused $1"
}

# The page agrees with the values the mock computed for a report it served.
check_values() {
    scrape
    promtool check metrics <"$work/page" || fail "promtool rejects the page"
    "$check_page" "$work/page" "$1" || fail "$2"
}

check_only_reason() {
    local other count
    errors_at_least "$reason" 1 || fail "the failure is not counted with reason $reason"
    for other in auth network timeout http rate_limited parse; do
        [ "$other" = "$reason" ] && continue
        count=$(errors "$other")
        [ "$count" = 0 ] || fail "a failure was counted with reason $other ($count)"
    done
    local series="engagevoice_api_requests_total{account_id=\"15300002\",code=\"$code\","
    count=$(metric "${series}endpoint=\"$endpoint\"}")
    [ "$count" != absent ] || fail "no $endpoint request counted with code $code"
}

check_logged() {
    local line
    line=$(awk -v r="reason=$reason" '/msg="?poll failed"?/ && index($0, r) { print; exit }' \
        "$work/exporter.log")
    [ -n "$line" ] || fail "no log line for the failed poll"
    echo "logged: $line"
    grep -F -- "$says" <<<"$line" >/dev/null || fail "the log line does not show: $says"
    [ "${#line}" -lt 600 ] || fail "the log line is longer than a short excerpt allows"
}

check_stale() {
    echo "per-agent series gone after max_staleness"
    up_is 0 || fail "engagevoice_up is not 0"
    local own
    for own in 'engagevoice_polls_total{account_id="15300002"}' \
        "engagevoice_poll_errors_total{account_id=\"15300002\",reason=\"$reason\"}" \
        'engagevoice_last_poll_success_timestamp_seconds{account_id="15300002"}'; do
        [ "$(metric "$own")" != absent ] || fail "$own is gone with the agents"
    done
    grep -q '^engagevoice_exporter_build_info{' "$work/page" || fail "build info is gone"
}

check_nothing_leaked() {
    local value
    scrape
    for value in "$api_token" "$client_secret" "$jwt"; do
        if grep -qF -- "$value" "$work/exporter.log" "$work/page"; then
            fail "a secret appears in the exporter's log or page"
        fi
    done
    if [ -f "$work/dump/issued_tokens.txt" ]; then
        while IFS= read -r value; do
            [ -n "$value" ] || continue
            grep -qF -- "$value" "$work/exporter.log" "$work/page" &&
                fail "an issued token appears in the exporter's log or page"
        done <"$work/dump/issued_tokens.txt"
    fi
    return 0
}

# The last two report requests the mock saw were at least `retry_after` seconds apart.
check_waited() {
    local gap
    gap=$("${mock_curl[@]}" "$base/mock/faults" |
        sed -n -E 's/.*"report_request_times":\[([^]]*)\].*/\1/p' |
        awk -F, '{ printf "%.3f", $NF - $(NF - 1) }')
    echo "the exporter asked again after ${gap}s; Retry-After asked for ${retry_after}s"
    awk -v gap="$gap" -v want="$retry_after" 'BEGIN { exit !(gap >= want) }' ||
        fail "the exporter did not wait as long as Retry-After asked"
}

# expired_token: one expired answer is mended by a refresh and a retry, two fail the poll with
# exactly two report requests.
expired_token_mended() {
    local requests refreshes
    requests=$(mock_stat report_requests) refreshes=$(mock_stat refreshes)
    plan_faults '{"kind":"expired_token","count":1}'
    wait_for 40 "the next poll" polls_at_least 2 || fail "no second poll"
    up_is 1 || fail "one expired token failed the poll"
    [ "$(mock_stat report_requests)" = $((requests + 2)) ] || fail "not exactly one retry"
    [ "$(mock_stat refreshes)" = $((refreshes + 1)) ] || fail "not exactly one refresh"
    echo "an expired token was refreshed and the report asked for once more"
    wait_for 10 "the dump" test -s "$work/dump/last_report.expected.json"
}

start_fault_stack
up_is 1 || fail "the first poll failed"
[ "$case" = expired_token ] && expired_token_mended
cp "$work/dump/last_report.expected.json" "$work/good.json"
check_values "$work/good.json" "the first poll's values are wrong"

requests_before=$(mock_stat report_requests)
plan_faults "$fault"
wait_for 60 "a failed poll" errors_at_least "$reason" 1 || fail "no poll failed"
echo "fault $case: the poll failed with reason $reason"
up_is 0 || fail "engagevoice_up is not 0 after the failure"
check_values "$work/good.json" "the last good values are not served"
check_only_reason
check_logged
if [ "$case" = expired_token ]; then
    [ "$(mock_stat report_requests)" = $((requests_before + 2)) ] ||
        fail "the report was asked for more than twice in one poll"
    # The two planned answers are used up: every later report request gets one too.
    plan_faults '{"kind":"expired_token"}'
fi

wait_for 60 "the per-agent series to go" agents_gone || fail "agents still served"
check_stale
plan_faults '[]'

wait_for 90 "a good poll" up_is 1 || fail "the exporter did not recover"
if [ "$case" = delay ]; then
    # Clearing the fault let go every answer the mock held back, and the last of them to be
    # written may have put an older report in the dump than the one the exporter read: compare
    # with the report of a poll that started after them.
    polls=$(metric 'engagevoice_polls_total{account_id="15300002"}')
    wait_for 40 "a poll after the held answers" polls_at_least $((${polls%.*} + 1)) ||
        fail "no poll after the recovery"
fi
check_values "$work/dump/last_report.expected.json" "the values after recovery are wrong"
echo "recovered: the page agrees with the report the mock served"
[ "$retry_after" -gt 0 ] && check_waited
check_nothing_leaked
echo "ok: $case"
