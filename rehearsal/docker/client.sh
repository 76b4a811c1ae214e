#!/bin/sh
# The client container: a producer and a consumer (rmq-sim load, the real remoting protocol) for
# the whole roll. Stops when the orchestrator writes /out/roll.done; its counts go to /out/load.json.
set -u
out=/out
mkdir -p "$out"
rm -f "$out/load.json"
rmq-sim load -n 'ns1:9876;ns2:9876' --topic RehearsalTopic --rate "${RATE:-100}" --duration 3600s --json \
  > "$out/load.json.part" 2> "$out/load.log" &
pid=$!
while [ ! -e "$out/roll.done" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; done
# Traffic keeps flowing a little after the roll, then the generator drains its consumer and reports.
sleep 5
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
mv "$out/load.json.part" "$out/load.json"
echo "client: load generator exited with $rc"
# Stay up: compose stops everything as soon as one container exits, and the orchestrator still
# has to read load.json and check the cluster.
while :; do sleep 3600; done
