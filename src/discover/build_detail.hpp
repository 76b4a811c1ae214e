// Pieces of discover's stage 3 shared between its files (not part of the public header).
#pragma once

#include <string>

#include "rmqup/discover/discover.hpp"

namespace rmqup::discover::detail {

// The inventory host of one host reading: homes and Java from its processes, the target home
// derived from the current home's name (target_version "" = placeholder).
DiscoveredHost build_host(const HostReading& reading, const std::string& target_version);

// Adds a warning for each host whose brokers share a config or store, or whose NameServers share a
// process match: `validate` refuses them, and the warning says why before it does.
void check_shared_hosts(DiscoveredInventory& inventory);

// "\"text\"" with YAML double-quoted escapes.
std::string yaml_quoted(const std::string& text);

}  // namespace rmqup::discover::detail
