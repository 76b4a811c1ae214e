#include "rmqup/remoting/command.hpp"

namespace rmqup::rmq {

std::optional<std::string> RemotingCommand::ext(const std::string& key) const {
    for (const auto& [k, v] : ext_fields)
        if (k == key)
            return v;
    return std::nullopt;
}

void RemotingCommand::set_ext(const std::string& key, std::string value) {
    has_ext_fields = true;
    for (auto& [k, v] : ext_fields) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    ext_fields.emplace_back(key, std::move(value));
}

RemotingCommand RemotingCommand::request(int code, std::vector<std::pair<std::string, std::string>> ext) {
    RemotingCommand cmd;
    cmd.code = code;
    // Java writes extFields only when a custom header (or a hook) put something there.
    cmd.has_ext_fields = !ext.empty();
    cmd.ext_fields = std::move(ext);
    return cmd;
}

RemotingCommand RemotingCommand::response_to(const RemotingCommand& req, int code, std::optional<std::string> remark) {
    RemotingCommand cmd;
    cmd.code = code;
    cmd.opaque = req.opaque;
    cmd.flag = k_flag_response;
    cmd.remark = std::move(remark);
    cmd.serialize_type = req.serialize_type;  // 4.9.7 answers in the request's serialize type
    return cmd;
}

}  // namespace rmqup::rmq
