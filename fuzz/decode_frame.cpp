// libFuzzer entry: splits the input like a socket reader, decodes every complete frame, then feeds
// the body (and the raw input) to every body decoder. Any crash, leak or UB is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/codec.hpp"
#include "rmqup/remoting/requests.hpp"

namespace {

void decode_bodies(std::string_view body) {
    using namespace rmqup::rmq;
    (void)decode_cluster_info(body);
    (void)decode_topic_route(body);
    (void)decode_topic_list(body);
    (void)decode_topic_config_table(body);
    (void)decode_register_broker_body(body, false);
    (void)decode_register_broker_body(body, true);
    (void)decode_runtime_info(body);
    (void)decode_kv_table(body);
    (void)decode_topic_stats(body);
    (void)decode_consume_stats(body);
    (void)decode_consumer_connection(body);
    (void)decode_producer_connection(body);
    (void)decode_heartbeat(body);
    (void)parse_properties(body);
    (void)parse_message_properties(body);
    auto msgs = decode_stored_messages(body);
    if (msgs.ok())
        for (const auto& m : *msgs)
            (void)encode_stored_message(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rmqup::rmq;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view rest = input;
    while (!rest.empty()) {
        FrameProbe p = probe_frame(rest);
        if (p.status != FrameStatus::complete)
            break;
        auto cmd = decode_frame(rest.substr(0, p.frame_size));
        if (cmd.ok()) {
            (void)encode_frame(*cmd);
            (void)requests::parse_offset(*cmd);
            (void)requests::parse_send_result(*cmd);
            (void)requests::parse_pull_result(*cmd);
            decode_bodies(cmd->body);
        }
        rest.remove_prefix(p.frame_size);
    }
    (void)decode_frame(input);
    decode_bodies(input);
    return 0;
}
