#!/usr/bin/env bash
# End to end: the exporter signing in to the mock over HTTPS in each auth mode, with Engage
# tokens that live a few seconds.
#   sign_in.sh EXPORTER MOCK CHECK_PAGE CASE
# CASE is one of:
#   ringcentral_jwt   JWT grant, exchange and refresh over at least 20 token lifetimes: no poll
#                     fails, no refresh token is used twice, the exchange limit is never hit, and
#                     no secret or token reaches the log (at debug level), a page or a metric
#   engage_login      the same with the Engage login
#   refresh_refused   refresh tokens that die before the next poll: the exporter signs in again
#   jwt_refused       a wrong JWT: engagevoice_up 0, reason auth, a log line saying what to fix
#   echoed_secrets    error answers of the report and of the sign-in calls that echo the
#                     configured secrets and the latest tokens: all blanked out of the log
#   legacy_api_token  X-Auth-Token on the legacy /api/v1 prefix
set -euo pipefail
exporter=$1 mock=$2 check_page=$3 case=$4
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK

token_lifetime=3
client_secret="e2e-client-secret-$RANDOM$RANDOM"
jwt="e2e.jwt-assertion.$RANDOM$RANDOM"
password="e2e pass&word=$RANDOM$RANDOM"
api_token="aws80:e2e-api-token-$RANDOM$RANDOM"
printf '%s\n' "$client_secret" >"$work/client_secret"
printf '%s\n' "$password" >"$work/password"
printf '%s\n' "$api_token" >"$work/api_token"
if [ "$case" = jwt_refused ]; then
    printf '%s\n' "not-the-right-jwt-$RANDOM" >"$work/jwt"
else
    printf '%s\n' "$jwt" >"$work/jwt"
fi

refresh_lifetime=10h
[ "$case" = refresh_refused ] && refresh_lifetime=2s

day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)
make_certificate "$work"
mkdir -p "$work/dump"
touch "$work/dump/issued_tokens.txt"
export ENGAGE_VOICE_MOCK_CLIENT_SECRET=$client_secret ENGAGE_VOICE_MOCK_JWT=$jwt
export ENGAGE_VOICE_MOCK_PASSWORD=$password ENGAGE_VOICE_MOCK_API_TOKEN=$api_token
start_process "$work/mock.log" "$mock" --listen-address 127.0.0.1:0 \
    --tls-cert-file "$work/cert.pem" --tls-key-file "$work/key.pem" \
    --agents 30 --seed 11 --account-id 15300002 --timezone US/Eastern --day-start "$day_start" \
    --client-id e2e-client --username reports@example.com --platform-id 42 \
    --token-lifetime "${token_lifetime}s" --refresh-token-lifetime "$refresh_lifetime" \
    --dump-dir "$work/dump" --address-file "$work/mock.address"
unset ENGAGE_VOICE_MOCK_CLIENT_SECRET ENGAGE_VOICE_MOCK_JWT ENGAGE_VOICE_MOCK_PASSWORD
unset ENGAGE_VOICE_MOCK_API_TOKEN
wait_for 20 "the mock to listen" test -s "$work/mock.address" || fail "no mock"
base="https://localhost:$(sed 's/.*://' "$work/mock.address")"

case $case in
    ringcentral_jwt | refresh_refused | jwt_refused | echoed_secrets)
        auth="      mode: ringcentral_jwt
      ringcentral_url: $base
      auth_url: $base/api/auth
      client_id: e2e-client
      client_secret_file: $work/client_secret
      jwt_file: $work/jwt"
        api_url=$base/voice/api/v1 ;;
    engage_login)
        auth="      mode: engage_login
      auth_url: $base/api/auth
      username: reports@example.com
      password_file: $work/password
      platform_id: \"42\""
        api_url=$base/voice/api/v1 ;;
    legacy_api_token)
        auth="      mode: api_token
      token_file: $work/api_token"
        api_url=$base/api/v1 ;;
    *) fail "unknown case $case" ;;
esac
cat >"$work/config.yml" <<YAML
poll:
  interval: 15s
  timeout: 10s
  max_staleness: 2h
accounts:
  - account_id: "15300002"
    api_url: $api_url
    timezone: US/Eastern
    day_start: "$day_start"
    ca_file: $work/cert.pem
    auth:
$auth
YAML

start_process "$work/exporter.log" "$exporter" --config.file "$work/config.yml" \
    --web.listen-address 127.0.0.1:0 --log.level debug
wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$work/exporter.log" ||
    fail "no exporter"
address=$(listening_address "$work/exporter.log")
wait_for 30 "the exporter to be ready" curl -sf "http://$address/-/ready" || fail "not ready"

# metric NAME_AND_LABELS: its value on the exporter's page, or "absent".
metric() {
    curl -sf "http://$address/metrics" | awk -v m="$1" '$1 == m { print $2; found = 1 }
        END { if (!found) print "absent" }'
}
mock_stat() {
    curl -sf --cacert "$work/cert.pem" "$base/mock/stats" |
        sed -n -E "s/.*\"$1\": *([0-9]+).*/\1/p"
}
polls_at_least() {
    local polls
    polls=$(metric 'engagevoice_polls_total{account_id="15300002"}')
    [ "$polls" != absent ] && [ "${polls%.*}" -ge "$1" ]
}
errors_total() {
    curl -sf "http://$address/metrics" |
        awk '/^engagevoice_poll_errors_total\{/ { sum += $2 } END { print sum + 0 }'
}

# Every secret and every token the mock issued: none may appear in the log, a page or a metric.
check_nothing_leaked() {
    curl -sf "http://$address/metrics" >"$work/page"
    curl -sf "http://$address/" >"$work/landing"
    local issued=0 value
    while IFS= read -r value; do
        [ -n "$value" ] || continue
        issued=$((issued + 1))
        if grep -qF -- "$value" "$work/exporter.log" "$work/page" "$work/landing"; then
            fail "an issued token appears in the exporter's log or pages"
        fi
    done <"$work/dump/issued_tokens.txt"
    for value in "$client_secret" "$jwt" "$password" "$api_token"; do
        if grep -qF -- "$value" "$work/exporter.log" "$work/page" "$work/landing"; then
            fail "a configured secret appears in the exporter's log or pages"
        fi
    done
    echo "searched the log, /metrics and / for 4 secrets and $issued issued tokens: none found"
}

case $case in
    ringcentral_jwt | engage_login)
        # 20 token lifetimes, and at least four polls after the first, each finding its token
        # expired or about to.
        started=$SECONDS
        wait_for 120 "five polls" polls_at_least 5 || fail "fewer than five polls"
        remaining=$((20 * token_lifetime - (SECONDS - started)))
        [ "$remaining" -gt 0 ] && sleep "$remaining"
        wait_for 30 "one more poll" polls_at_least 6 || fail "the polls stopped"
        echo "polls: $(metric 'engagevoice_polls_total{account_id="15300002"}') over $((SECONDS - started))s"
        [ "$(errors_total)" = 0 ] || fail "a poll failed"
        [ "$(metric 'engagevoice_up{account_id="15300002"}')" = 1 ] || fail "engagevoice_up is not 1"
        [ "$(mock_stat refresh_token_reuses)" = 0 ] || fail "a refresh token was used twice"
        [ "$(mock_stat sign_ins_rate_limited)" = 0 ] || fail "the exchange limit was hit"
        refreshes=$(mock_stat refreshes)
        [ "${refreshes:-0}" -ge 4 ] || fail "expected a refresh per poll, saw ${refreshes:-none}"
        [ "$(metric 'engagevoice_auth_sign_ins_total{account_id="15300002",result="success"}')" = 1 ] ||
            fail "signed in more than once although every refresh succeeded"
        [ "$(metric 'engagevoice_auth_token_expiry_timestamp_seconds{account_id="15300002"}')" != absent ] ||
            fail "no token expiry metric"
        curl -sf "http://$address/metrics" >"$work/page"
        promtool check metrics <"$work/page" || fail "promtool rejects the page"
        "$check_page" "$work/page" "$work/dump/last_report.expected.json" ||
            fail "the page differs from what the mock served"
        curl -sf "http://$address/" | grep -q "$case: token valid until" ||
            fail "the landing page does not show the sign-in state"
        check_nothing_leaked ;;
    refresh_refused)
        wait_for 90 "three polls" polls_at_least 3 || fail "fewer than three polls"
        [ "$(errors_total)" = 0 ] || fail "a poll failed"
        refused=$(metric 'engagevoice_auth_token_refreshes_total{account_id="15300002",result="refused"}')
        signed_in=$(metric 'engagevoice_auth_sign_ins_total{account_id="15300002",result="success"}')
        echo "refreshes refused: $refused, sign-ins: $signed_in"
        [ "$refused" != absent ] && [ "${refused%.*}" -ge 1 ] || fail "no refresh was refused"
        [ "${signed_in%.*}" -ge 2 ] || fail "the exporter did not sign in again"
        grep -q 'token refresh refused; signing in again' "$work/exporter.log" ||
            fail "no log line for the refused refresh"
        [ "$(mock_stat sign_ins_rate_limited)" = 0 ] || fail "the exchange limit was hit"
        check_nothing_leaked ;;
    jwt_refused)
        [ "$(metric 'engagevoice_up{account_id="15300002"}')" = 0 ] || fail "engagevoice_up is not 0"
        [ "$(metric 'engagevoice_poll_errors_total{account_id="15300002",reason="auth"}')" = 1 ] ||
            fail "the failure is not counted with reason auth"
        grep -E 'msg="?poll failed"?' "$work/exporter.log" | grep -q 'check auth.jwt' ||
            fail "no log line saying to check auth.jwt"
        [ "$(metric 'engagevoice_auth_sign_ins_total{account_id="15300002",result="refused"}')" = 1 ] ||
            fail "the refused sign-in is not counted"
        grep -E 'msg="?poll failed"?' "$work/exporter.log" | head -n 1
        check_nothing_leaked ;;
    echoed_secrets)
        # A body that echoes every secret the account has sent or holds, the latest tokens
        # first: the excerpt in the log keeps about 120 bytes, which must all be blanked.
        echo_body() {
            local basic
            basic=$(printf '%s' "e2e-client:$client_secret" | base64 -w0)
            printf 'echo'
            tac "$work/dump/issued_tokens.txt" | head -n 4 | while IFS= read -r token; do
                printf ' %s' "$token"
            done
            printf ' %s' "$client_secret" "$jwt" "$basic" "Basic $basic"
        }
        plan_faults() {
            curl -sf --cacert "$work/cert.pem" -d "$1" "$base/mock/faults" >/dev/null ||
                fail "the mock refused the faults $1"
        }
        errors_at_least() { [ "$(errors_total)" -ge "$1" ]; }

        plan_faults "{\"kind\":\"status\",\"status\":403,\"count\":1,\"body\":\"$(echo_body)\"}"
        wait_for 60 "the refused report" errors_at_least 1 || fail "the report fault never came"
        plan_faults "{\"target\":\"auth\",\"kind\":\"status\",\"status\":400,\"count\":2,\"body\":\"$(echo_body)\"}"
        wait_for 60 "the refused sign-in" errors_at_least 2 || fail "the sign-in fault never came"
        grep -E 'msg="?poll failed"?' "$work/exporter.log" | grep -q 'answered 403.*body="echo <secret> <secret>' ||
            fail "the report's echo is not in the log, blanked"
        grep -E 'msg="?token refresh refused' "$work/exporter.log" | grep -q 'body="echo <secret> <secret>' ||
            fail "the refresh's echo is not in the log, blanked"
        grep -E 'msg="?poll failed"?' "$work/exporter.log" | grep -q 'Engage token exchange refused' ||
            fail "the exchange's refusal is not in the log"
        grep -E 'msg="?poll failed"?|msg="?token refresh refused' "$work/exporter.log" | tail -n 3
        check_nothing_leaked ;;
    legacy_api_token)
        [ "$(metric 'engagevoice_up{account_id="15300002"}')" = 1 ] || fail "engagevoice_up is not 1"
        curl -sf "http://$address/metrics" >"$work/page"
        "$check_page" "$work/page" "$work/dump/last_report.expected.json" ||
            fail "the page differs from what the mock served"
        [ "$(metric 'engagevoice_api_requests_total{account_id="15300002",code="200",endpoint="report"}')" = 1 ] ||
            fail "the report request is not counted"
        check_nothing_leaked ;;
esac
echo "ok: $case"
