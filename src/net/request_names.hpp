// Names of RocketMQ request codes for error messages ("GET_BROKER_RUNTIME_INFO (28)").
#pragma once

#include <string>

namespace rmqup::net {

// The RequestCode.java name of code, or "CODE_<n>" when unknown.
std::string request_name(int code);

// "request GET_BROKER_RUNTIME_INFO (28) to 127.0.0.1:10911": the context line of every admin error.
std::string request_context(int code, const std::string& addr);

}  // namespace rmqup::net
