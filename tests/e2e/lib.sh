# Helpers for the end-to-end scripts: start processes on ephemeral ports, wait for them, clean up.

# Starts a command in the background, its output in FILE; remembers it for cleanup.
start_process() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    E2E_PIDS+=("$!")
}

stop_processes() {
    local pid
    for pid in "${E2E_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${E2E_PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.2 s until it succeeds.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local tries=$((seconds * 5))
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    echo "FAIL: timed out after ${seconds}s waiting for $what" >&2
    return 1
}

# The address the exporter logged that it listens on.
listening_address() {
    sed -n -E 's/.*msg="?listening"? address=([^ ]*).*/\1/p' "$1" | head -n 1
}

make_certificate() {
    local dir=$1
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
}

# Prints the logs of the stack and fails the test.
fail() {
    echo "FAIL: $*" >&2
    local log
    for log in "$E2E_WORK"/*.log; do
        [ -f "$log" ] && { echo "--- $log" >&2; cat "$log" >&2; }
    done
    exit 1
}

# start_stack EXPORTER MOCK AGENTS INTERVAL: the mock over HTTPS with a fresh self-signed
# certificate, and the exporter polling it every INTERVAL, both on ephemeral ports, in
# $E2E_WORK. Sets E2E_TOKEN (the API token) and E2E_ADDRESS (the exporter's host:port) and
# returns once the exporter is ready. The mock dumps each report it serves, with its expected
# values, in $E2E_WORK/dump.
start_stack() {
    local exporter=$1 mock=$2 agents=$3 interval=$4
    E2E_TOKEN="e2e-token-$RANDOM$RANDOM"
    # A business day that began twelve hours ago, so that most of the mock's agents have logged
    # in whatever the time of day the test runs.
    local day_start
    day_start=$(TZ=US/Eastern date -d '12 hours ago' +%H:00)

    make_certificate "$E2E_WORK"
    printf '%s\n' "$E2E_TOKEN" >"$E2E_WORK/token"
    mkdir -p "$E2E_WORK/dump"

    start_process "$E2E_WORK/mock.log" "$mock" --listen-address 127.0.0.1:0 \
        --tls-cert-file "$E2E_WORK/cert.pem" --tls-key-file "$E2E_WORK/key.pem" \
        --agents "$agents" --seed 7 --account-id 15300002 --timezone US/Eastern \
        --day-start "$day_start" --api-token "$E2E_TOKEN" --dump-dir "$E2E_WORK/dump" \
        --address-file "$E2E_WORK/mock.address"
    wait_for 20 "the mock to listen" test -s "$E2E_WORK/mock.address" || fail "no mock"
    local mock_port
    mock_port=$(sed 's/.*://' "$E2E_WORK/mock.address")

    cat >"$E2E_WORK/config.yml" <<YAML
poll:
  interval: $interval
  timeout: 15s
  max_staleness: 2h
accounts:
  - account_id: "15300002"
    api_url: https://localhost:$mock_port/voice/api/v1
    timezone: US/Eastern
    day_start: "$day_start"
    ca_file: $E2E_WORK/cert.pem
    auth:
      mode: api_token
      token_file: $E2E_WORK/token
YAML

    start_process "$E2E_WORK/exporter.log" "$exporter" --config.file "$E2E_WORK/config.yml" \
        --web.listen-address 127.0.0.1:0 --log.level debug
    wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$E2E_WORK/exporter.log" ||
        fail "no exporter"
    E2E_ADDRESS=$(listening_address "$E2E_WORK/exporter.log")
    wait_for 30 "the exporter to be ready" curl -sf "http://$E2E_ADDRESS/-/ready" ||
        fail "not ready"
}
