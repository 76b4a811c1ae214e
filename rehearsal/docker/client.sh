#!/bin/sh
# The client container: a producer and a consumer (rmq-sim load, the real remoting protocol,
# clients' 30 s route refresh) for the whole roll. The orchestrator sizes the traffic from the
# plan (/out/load-seconds); the counts go to /out/load.json.
set -u
out=/out
mkdir -p "$out"
waited=0
while [ ! -s "$out/load-seconds" ] && [ "$waited" -lt 900 ]; do sleep 1; waited=$((waited + 1)); done
if [ ! -s "$out/load-seconds" ]; then echo "client: no /out/load-seconds from the orchestrator" >&2; exit 1; fi
seconds="$(cat "$out/load-seconds")"
echo "client: sending for ${seconds}s at ${RATE:-100} msg/s"
rmq-sim load -n 'ns1:9876;ns2:9876' --topic RehearsalTopic --rate "${RATE:-100}" --duration "${seconds}s" --json \
  > "$out/load.json.part" 2> "$out/load.log" &
pid=$!
touch "$out/load.started"
wait "$pid"
rc=$?
mv "$out/load.json.part" "$out/load.json"
echo "client: load generator exited with $rc (non-zero when messages were lost)"
# Stay up: compose stops everything as soon as one container exits, and the orchestrator still
# has to read load.json and check the cluster.
while :; do sleep 3600; done
