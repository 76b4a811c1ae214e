// The NameServer calls: what the cluster looks like, and a broker's write permission in the routes
// (the engine's drain and restore, `rmq-upgrade cluster perm`). Every call names one NameServer
// ("ip:port"); errors as in RemotingAdmin: unreachable, timeout, rejected (non-zero response code,
// the server's remark kept apart), denied (ACL), protocol (undecodable body).
#pragma once

#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

class NameServerAdmin {
public:
    virtual ~NameServerAdmin() = default;

    // GET_BROKER_CLUSTER_INFO (106): brokerName -> {cluster, brokerId -> address} and cluster -> brokerNames.
    virtual Result<rmq::ClusterInfo> cluster_info(const std::string& ns) = 0;
    // GET_ROUTEINFO_BY_TOPIC (105): the topic's queue datas (perm per brokerName) and broker datas;
    // an unknown topic is rejected (TOPIC_NOT_EXIST, 17).
    virtual Result<rmq::TopicRouteData> topic_route(const std::string& ns, const std::string& topic) = 0;
    // WIPE_WRITE_PERM_OF_BROKER (205): clears W from every queue data of broker_name; returns wipeTopicCount.
    virtual Result<int> wipe_write_perm(const std::string& ns, const std::string& broker_name) = 0;
    // ADD_WRITE_PERM_OF_BROKER (327, NameServer >= 4.9.2 only); returns addTopicCount.
    virtual Result<int> add_write_perm(const std::string& ns, const std::string& broker_name) = 0;
};

}  // namespace rmqup
