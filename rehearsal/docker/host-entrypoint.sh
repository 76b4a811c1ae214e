#!/bin/sh
# A rehearsal host: starts its RocketMQ node at the old version (as the rocketmq user, the same
# command the inventory's start template runs), then serves SSH in the foreground.
#   RMQUP_NODE  ns1 | ns2 | broker-a-m | broker-a-s | broker-b-m | broker-b-s
#   RMQUP_ROLE  namesrv | broker
set -eu
: "${RMQUP_NODE:?set RMQUP_NODE}" "${RMQUP_ROLE:?set RMQUP_ROLE}"
conf="/home/rocketmq/conf/${RMQUP_NODE}.properties"
logs=/home/rocketmq/logs
case "$RMQUP_ROLE" in
  namesrv) cmd="nohup sh ${RMQUP_OLD_HOME}/bin/mqnamesrv -c ${conf} >> ${logs}/namesrv-${RMQUP_NODE}:9876.log 2>&1 &" ;;
  broker)
    name="$(sed -n 's/^brokerName=//p' "$conf")"
    id="$(sed -n 's/^brokerId=//p' "$conf")"
    mkdir -p "/home/rocketmq/store/${RMQUP_NODE}"
    chown rocketmq:rocketmq "/home/rocketmq/store/${RMQUP_NODE}"
    cmd="nohup sh ${RMQUP_OLD_HOME}/bin/mqbroker -c ${conf} >> ${logs}/${name}-${id}.log 2>&1 &" ;;
  *) echo "RMQUP_ROLE must be namesrv or broker" >&2; exit 2 ;;
esac
# The same environment an SSH session gets (~/.ssh/environment), minus the image's ROCKETMQ_HOME.
su rocketmq -s /bin/sh -c "env -u ROCKETMQ_HOME JAVA_HOME=/opt/java-home JAVA_OPT_EXT='-Xms256m -Xmx256m -Xmn128m' sh -c '${cmd}'"
exec /usr/sbin/sshd -D -e
