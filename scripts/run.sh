#!/usr/bin/env bash
# Starts the action server and the Rasa server, waits until both answer, prints where to talk to the bot,
# starts the demo charity page server, and stops all three when interrupted (Ctrl-C) or when any of them exits.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

mkdir -p "$(dirname "$TRACKER_DB")"
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Reclaim stopped."
}
trap stop_all INT TERM EXIT

wait_for() {  # name url pid
  for _ in $(seq 1 240); do
    if curl -fs -o /dev/null "$2"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "The $1 exited while starting; see the messages above." >&2; return 1; fi
    sleep 0.5
  done
  echo "The $1 did not answer at $2 within 2 minutes." >&2
  return 1
}

.venv/actions/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" --quiet &
pids+=($!)
wait_for "action server" "http://127.0.0.1:${ACTION_PORT}/health" "${pids[0]}"

# Rasa's HTTP API (/conversations, /model, /status) stays off unless RASA_API_TOKEN is set; then it needs the token.
api_args=()
if [[ -n "${RASA_API_TOKEN:-}" ]]; then api_args=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
.venv/rasa/bin/rasa run --model "$RASA_MODEL" --endpoints "$RASA_ENDPOINTS" --credentials bot/credentials.yml \
  --interface "$RASA_INTERFACE" --port "$RASA_PORT" "${api_args[@]}" &
pids+=($!)
wait_for "Rasa server" "http://127.0.0.1:${RASA_PORT}/" "${pids[1]}"

# The demo charity page with the chat widget embedded (127.0.0.1 only).
.venv/actions/bin/python scripts/serve_demo.py &
pids+=($!)
wait_for "demo page server" "http://127.0.0.1:${DEMO_PORT}/" "${pids[2]}"

cat <<MSG

Reclaim is running.
  Talk to it over the REST channel:
    curl -s http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "demo", "message": "hi"}'
  Or chat in this terminal:  make chat
Demo charity page: http://127.0.0.1:${DEMO_PORT}/
Press Ctrl-C to stop all three servers.
MSG
# Return as soon as any server exits, so a crash never leaves the other running alone.
wait -n "${pids[@]}"
