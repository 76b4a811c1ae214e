// Loads the real RocketMQ 4.9.7 frames of ../shared/fixtures for the simulator's fidelity tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "rmqup/remoting/codec.hpp"

namespace rmqsim::test {

inline std::string fixture_bytes(const std::string& name) {
    std::ifstream in(std::string(RMQUP_FIXTURES) + "/rocketmq-4.9.7/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline rmqup::rmq::RemotingCommand fixture_frame(const std::string& name) {
    auto bytes = fixture_bytes(name);
    auto cmd = rmqup::rmq::decode_frame(bytes);
    if (!cmd.ok())
        throw std::runtime_error("cannot decode fixture " + name);
    return std::move(cmd).value();
}

}  // namespace rmqsim::test
