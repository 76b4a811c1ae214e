// Test homes shaped like RocketMQ's binary release (distribution/release.xml: bin/, conf/, lib/, no
// logs/), whose scripts follow the real ROCKETMQ_HOME and Java logic (operations facts 28-30) but
// exec rmq-sim instead of the JVM, plus fake JAVA_HOMEs whose bin/java prints a chosen version.
#pragma once

#include <string>

#include "rmqup/core/result.hpp"

namespace rmqup::test {

struct DistHomeOptions {
    std::string version = "4.9.7";  // written into the lib/ jar names; the scripts read it back from there
    std::string sim_bin;            // rmq-sim executable the run scripts exec instead of java
    bool write_logs = false;        // the release has no logs/; true only for "already used" homes
};

// Writes into home (created if needed):
// - bin/mqbroker, bin/mqnamesrv: an inherited ROCKETMQ_HOME wins, else the script's own folder/..;
//   then `sh ${ROCKETMQ_HOME}/bin/runbroker.sh|runserver.sh <main class> "$@"`;
// - bin/runbroker.sh, bin/runserver.sh: Java from $JAVA_HOME, else $HOME/jdk/java, else /usr/java,
//   else RocketMQ's error and exit 1; a Java 9+ is refused for versions before 4.9.3 as the real
//   JVM refuses -Djava.ext.dirs; then exec rmq-sim broker|namesrv -cp "${BASE_DIR}/conf:${BASE_DIR}/lib/*"
//   <main class> --version <version read from lib/rocketmq-broker-*.jar> "$@";
// - lib/ with empty jars named like the release's; conf/ with broker.conf, plain_acl.yml, tools.yml.
Status write_dist_home(const std::string& home, const DistHomeOptions& options);

// Writes java_home/bin/java printing `java -version` text for version ("1.8.0_392", "17.0.15") on
// stderr, as the JDK does.
Status write_fake_java_home(const std::string& java_home, const std::string& version);

}  // namespace rmqup::test
