#!/bin/sh
# The orchestrator container: plan, apply over SSH, stop the client, then check the verdict.
# Exit 0 only when every node runs NEW_VERSION, every broker is read-write (perm 6) on every
# NameServer and the client lost no message. Everything lands in /out.
set -eu
out=/out
old="${OLD_VERSION:-4.8.0}"
new="${NEW_VERSION:-4.9.7}"
namesrv='ns1:9876;ns2:9876'
mkdir -p "$out"
rm -f "$out/roll.done" "$out/verdict.txt" "$out/load-seconds" "$out/load.started" "$out/load.json"

say() { printf '%s orchestrator: %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$out/orchestrator.log"; }
finish() {
  code=$1; shift
  say "$*"
  printf '%s\n' "$*" > "$out/verdict.txt"
  touch "$out/roll.done"
  exit "$code"
}

# The inventory for the versions this image was built with (the committed file is 4.8.0 -> 4.9.7).
sed -e "s|^currentVersion: .*|currentVersion: \"$old\"|" \
    -e "s|^targetVersion: .*|targetVersion: \"$new\"|" \
    -e "s|^  currentHome: .*|  currentHome: \"/home/rocketmq/rocketmq-$old\"|" \
    -e "s|^  targetHome: .*|  targetHome: \"/home/rocketmq/rocketmq-$new\"|" \
    /rehearsal/inventory.yaml > "$out/inventory.yaml"

# The planner discovers the live cluster: retry while the brokers are still registering.
tries=0
until rmq-upgrade plan -i "$out/inventory.yaml" -o "$out/plan.json" > "$out/plan.txt" 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 36 ]; then
    cat "$out/plan.txt"
    finish 1 "FAILED: no acceptable plan after 3 minutes (see plan.txt)"
  fi
  sleep 5
done
cat "$out/plan.txt"

# rmq-sim load sends for a fixed time: the plan's expected duration plus a margin for the slow
# steps of real JVMs. The client starts when this file appears.
load_seconds="$(python3 - "$out/plan.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"Expected duration: (\S+)", text)
total = 0.0
if m:
    for value, unit in re.findall(r"(\d+)(ms|h|m|s)", m.group(1)):
        total += int(value) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[unit]
print(int(min(max(total * 1.25 + 120, 300), 2700)))
PY
)"
echo "$load_seconds" > "$out/load-seconds"
waited=0
while [ ! -e "$out/load.started" ] && [ "$waited" -lt 120 ]; do sleep 1; waited=$((waited + 1)); done
[ -e "$out/load.started" ] || finish 1 "FAILED: the client did not start its traffic"
say "plan accepted: traffic runs for ${load_seconds}s; applying $old -> $new in 15s"
sleep 15

apply_rc=0
rmq-upgrade apply --plan "$out/plan.json" --yes --journal "$out/journal" --report "$out" \
  --events "$out/events.jsonl" || apply_rc=$?
say "apply exited with $apply_rc"
traffic_left=1
[ -s "$out/load.json" ] && traffic_left=0

# The traffic runs out on the upgraded cluster; then the client writes its counts.
touch "$out/roll.done"
waited=0
while [ ! -s "$out/load.json" ] && [ "$waited" -lt $((load_seconds + 180)) ]; do sleep 2; waited=$((waited + 2)); done
[ -s "$out/load.json" ] || finish 1 "FAILED: the client wrote no load.json"
[ "$traffic_left" -eq 1 ] || finish 1 "FAILED: the traffic ended before the roll did (see load.json)"

rmq-upgrade cluster -n "$namesrv" --json > "$out/cluster-after.json" || true
# NameServers report no version over the protocol: look at the process on each host.
for ns in ns1 ns2; do
  ssh -i /keys/id_ed25519 -o UserKnownHostsFile=/keys/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes \
    "rocketmq@$ns" "ps -eo args | grep -F -- '-c /home/rocketmq/conf/$ns.properties' | grep -v grep" \
    > "$out/$ns-process.txt" 2>&1 || true
done

python3 - "$out" "$new" "$apply_rc" <<'PY'
import json, sys
out, new, apply_rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []
if apply_rc != 0:
    problems.append(f"rmq-upgrade apply exited with {apply_rc}")
load = json.load(open(f"{out}/load.json"))
if load.get("lost", 1) != 0:
    problems.append(f"lost {load.get('lost')} messages")
want = "V" + new.replace(".", "_")
try:
    cluster = json.load(open(f"{out}/cluster-after.json"))
except ValueError:
    cluster = {"brokers": [], "nameservers": []}
brokers = cluster.get("brokers", [])
if len(brokers) != 4:
    problems.append(f"{len(brokers)} brokers registered, expected 4")
for b in brokers:
    name = f"{b.get('brokerName')}@{b.get('brokerId')}"
    if b.get("version") != want:
        problems.append(f"{name} runs {b.get('version')}, expected {want}")
    if b.get("permission") != 6:
        problems.append(f"{name} has permission {b.get('permission')}, expected 6")
for ns in ("ns1", "ns2"):
    text = open(f"{out}/{ns}-process.txt").read()
    if f"rocketmq-{new}/" not in text:
        problems.append(f"{ns} does not run {new}: {text.strip()[:200]}")
summary = (f"sent {load.get('sent')}, acked {load.get('acked')}, received {load.get('received')}, "
           f"lost {load.get('lost')}, send failures {load.get('failed')}, duplicates {load.get('duplicates')}")
print(summary)
for p in problems:
    print("problem:", p)
open(f"{out}/verdict.txt", "w").write(("PASSED" if not problems else "FAILED") + ": " + summary + "\n" +
                                      "".join(f"problem: {p}\n" for p in problems))
sys.exit(1 if problems else 0)
PY
rc=$?
say "$(head -1 "$out/verdict.txt")"
exit "$rc"
