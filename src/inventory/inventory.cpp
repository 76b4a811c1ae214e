#include "rmqup/inventory/inventory.hpp"

#include <fstream>
#include <sstream>

namespace rmqup {

const char* to_string(BrokerRole role) {
    switch (role) {
    case BrokerRole::async_master: return "ASYNC_MASTER";
    case BrokerRole::sync_master: return "SYNC_MASTER";
    case BrokerRole::slave: return "SLAVE";
    }
    return "SLAVE";
}

const InvHost* Inventory::find_host(std::string_view name) const {
    for (const auto& h : hosts) {
        if (h.access.name == name) return &h;
    }
    return nullptr;
}

const InvBrokerGroup* Inventory::find_group(std::string_view broker_name) const {
    for (const auto& g : broker_groups) {
        if (g.broker_name == broker_name) return &g;
    }
    return nullptr;
}

Result<Inventory> load_inventory(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::io, "cannot read inventory " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_inventory(text.str(), path);
}

}  // namespace rmqup
