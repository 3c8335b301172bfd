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
