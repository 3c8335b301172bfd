#!/usr/bin/env bash
# End to end through a forward proxy: Debian's tinyproxy with basic auth on a loopback port, the
# mock API over HTTPS, and one exporter after another polling it once, each with other proxy
# settings. Every case checks what the exporter serves and what tinyproxy logged:
#   a. HTTPS_PROXY with the right credentials: the poll goes through a CONNECT tunnel;
#   b. NO_PROXY covering the mock, HTTPS_PROXY on a dead port: the poll goes direct;
#   c. a wrong proxy password, then none: the poll fails as network, naming the proxy and its
#      refusal, never a password;
#   d. proxy_url in the configuration file wins over HTTPS_PROXY and NO_PROXY.
#   proxy.sh EXPORTER MOCK CHECK_PAGE
set -euo pipefail
exporter=$1 mock=$2 check_page=$3
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK
account=15300002
proxy_user=e2e-user
proxy_password="proxy-pass-$RANDOM$RANDOM"
wrong_password="wrong-pass-$RANDOM$RANDOM"

# A port nothing listens on now. tinyproxy cannot bind port 0, so a taken port is retried.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! ss -Hltn "sport = :$port" | grep -q .; then
            echo "$port"
            return
        fi
    done
}

# Without User and Group lines tinyproxy keeps the user it was started as (root in CI, with a
# warning in its log), so it can write its log and pid file in the temporary directory.
start_tinyproxy() {
    local attempt pid
    for attempt in 1 2 3 4 5; do
        proxy_port=$(free_port)
        cat >"$work/tinyproxy.conf" <<CONF
Port $proxy_port
Listen 127.0.0.1
Allow 127.0.0.1
BasicAuth $proxy_user $proxy_password
LogFile "$work/tinyproxy.log"
LogLevel Info
PidFile "$work/tinyproxy.pid"
CONF
        start_process "$work/tinyproxy.out" /usr/bin/tinyproxy -d -c "$work/tinyproxy.conf"
        pid=${E2E_PIDS[-1]}
        for _ in $(seq 100); do
            grep -q 'Starting main loop' "$work/tinyproxy.log" 2>/dev/null && return 0
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        echo "tinyproxy did not start on port $proxy_port (attempt $attempt)" >&2
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -f "$work/tinyproxy.log"
    done
    fail "tinyproxy did not start"
}

start_mock() {
    make_certificate "$work"
    token="e2e-token-$RANDOM$RANDOM"
    printf '%s\n' "$token" >"$work/token"
    day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)
    mkdir -p "$work/dump"
    start_process "$work/mock.log" "$mock" --listen-address 127.0.0.1:0 \
        --tls-cert-file "$work/cert.pem" --tls-key-file "$work/key.pem" \
        --agents 20 --seed 7 --account-id "$account" --timezone US/Eastern \
        --day-start "$day_start" --api-token "$token" --dump-dir "$work/dump" \
        --address-file "$work/mock.address"
    wait_for 20 "the mock to listen" test -s "$work/mock.address" || fail "no mock"
    mock_port=$(sed 's/.*://' "$work/mock.address")
}

# write_config FILE [PROXY_URL_FILE]: one poll an hour, so each exporter polls once.
write_config() {
    local file=$1 proxy_url_file=${2:-}
    {
        cat <<YAML
poll:
  interval: 1h
  timeout: 15s
  max_staleness: 2h
accounts:
  - account_id: "$account"
    api_url: https://localhost:$mock_port/voice/api/v1
    timezone: US/Eastern
    day_start: "$day_start"
    ca_file: $work/cert.pem
YAML
        if [ -n "$proxy_url_file" ]; then
            echo "    proxy_url_file: $proxy_url_file"
        fi
        cat <<YAML
    auth:
      mode: api_token
      token_file: $work/token
YAML
    } >"$file"
}

# run_case NAME CONFIG [VAR=VALUE...]: an exporter with only the given proxy variables, until its
# first poll is over; leaves its page in NAME.page and its log in NAME.log, then stops it.
run_case() {
    local name=$1 config=$2
    shift 2
    local log="$work/$name.log"
    start_process "$log" env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy \
        -u NO_PROXY -u no_proxy "$@" "$exporter" --config.file "$config" \
        --web.listen-address 127.0.0.1:0 --log.level debug
    local pid=${E2E_PIDS[-1]}
    wait_for 20 "exporter $name to listen" grep -Eq 'msg="?listening"? ' "$log" ||
        fail "$name: no exporter"
    local address
    address=$(listening_address "$log")
    wait_for 60 "exporter $name to finish its first poll" curl -sf "http://$address/-/ready" ||
        fail "$name: not ready"
    curl -sf "http://$address/metrics" >"$work/$name.page" || fail "$name: no metrics page"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

tunnels_to_mock() {
    grep -c "CONNECT localhost:$mock_port " "$work/tinyproxy.log" || true
}

expect_success() {
    local name=$1
    grep -q "^engagevoice_up{account_id=\"$account\"} 1$" "$work/$name.page" ||
        fail "$name: engagevoice_up is not 1"
    "$check_page" "$work/$name.page" "$work/dump/last_report.expected.json" ||
        fail "$name: the page differs from what the mock served"
}

expect_refusal() {
    local name=$1 status=$2
    grep -q "^engagevoice_up{account_id=\"$account\"} 0$" "$work/$name.page" ||
        fail "$name: engagevoice_up is not 0"
    grep -Eq "^engagevoice_poll_errors_total\{account_id=\"$account\",reason=\"network\"\} 1$" \
        "$work/$name.page" || fail "$name: the failure is not counted as network"
    grep -F "proxy 127.0.0.1:$proxy_port refused the tunnel to localhost:$mock_port: $status" \
        "$work/$name.log" | grep -q 'msg="poll failed"' ||
        fail "$name: the log does not name the proxy and its refusal $status"
}

start_tinyproxy
start_mock
proxy="http://$proxy_user:$proxy_password@127.0.0.1:$proxy_port"
dead_proxy="http://$proxy_user:$proxy_password@127.0.0.1:$(free_port)"
write_config "$work/plain.yml"

# a. Through the proxy, named by the environment.
before=$(tunnels_to_mock)
run_case a_https_proxy "$work/plain.yml" HTTPS_PROXY="$proxy"
expect_success a_https_proxy
promtool check metrics <"$work/a_https_proxy.page" || fail "promtool rejects the page"
[ "$(tunnels_to_mock)" -gt "$before" ] || fail "a: tinyproxy logged no CONNECT to the mock"
echo "ok: a. HTTPS_PROXY tunnels the polls through tinyproxy"

# b. NO_PROXY covers the mock: direct, although the proxy variable points at nothing.
before=$(tunnels_to_mock)
run_case b_no_proxy "$work/plain.yml" HTTPS_PROXY="$dead_proxy" NO_PROXY="example.com, localhost"
expect_success b_no_proxy
[ "$(tunnels_to_mock)" -eq "$before" ] || fail "b: the poll went through tinyproxy"
echo "ok: b. NO_PROXY sends the polls direct"

# c. A wrong password, then none. Debian's tinyproxy 1.11 answers a wrong password with 401 and
# missing credentials with 407.
run_case c_wrong_password "$work/plain.yml" \
    HTTPS_PROXY="http://$proxy_user:$wrong_password@127.0.0.1:$proxy_port"
expect_refusal c_wrong_password "401 Unauthorized"
run_case c_no_credentials "$work/plain.yml" HTTPS_PROXY="http://127.0.0.1:$proxy_port"
expect_refusal c_no_credentials "407 Proxy Authentication Required"
echo "ok: c. a refused tunnel fails the poll as network, naming the proxy"

# d. proxy_url in the file wins over the environment, NO_PROXY included.
printf '%s\n' "$proxy" >"$work/proxy_url"
write_config "$work/proxy_url.yml" "$work/proxy_url"
before=$(tunnels_to_mock)
run_case d_proxy_url "$work/proxy_url.yml" HTTPS_PROXY="$dead_proxy" NO_PROXY=localhost
expect_success d_proxy_url
[ "$(tunnels_to_mock)" -gt "$before" ] || fail "d: tinyproxy logged no CONNECT to the mock"
echo "ok: d. proxy_url wins over HTTPS_PROXY and NO_PROXY"

for secret in "$proxy_password" "$wrong_password" "$token"; do
    if grep -lF -- "$secret" "$work"/[a-d]_*.log "$work"/[a-d]_*.page; then
        fail "a password or the API token appears in an exporter's log or page"
    fi
done
echo "ok: no password or token in the exporters' logs and pages"
