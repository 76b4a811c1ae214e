// Every remoting admin call rmq-upgrade makes, as one object: what RemotingAdmin (the wire) and
// engine::RecordingAdmin (dry runs) implement, and what a command creates once and lends out.
// Code that needs only part of it takes the narrow interface: discover reads NameServers and
// brokers, the planner's census reads brokers, its probe check uses the MessageProbe.
#pragma once

#include "rmqup/admin/broker_admin.hpp"
#include "rmqup/admin/message_probe.hpp"
#include "rmqup/admin/nameserver_admin.hpp"

namespace rmqup {

class AdminApi : public NameServerAdmin, public BrokerAdmin, public MessageProbe {};

}  // namespace rmqup
