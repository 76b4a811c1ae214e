// Values with their origin, and the list of what the operator must still fill in.
#include "rmqup/discover/discover.hpp"

namespace rmqup::discover {

const char* to_string(Origin origin) {
    switch (origin) {
    case Origin::discovered: return "discovered";
    case Origin::given: return "given";
    case Origin::assumed: return "assumed";
    case Origin::placeholder: return "placeholder";
    }
    return "?";
}

Noted discovered_value(std::string value, std::string note) { return {std::move(value), Origin::discovered, std::move(note)}; }
Noted given_value(std::string value, std::string note) { return {std::move(value), Origin::given, std::move(note)}; }
Noted assumed_value(std::string value, std::string note) { return {std::move(value), Origin::assumed, std::move(note)}; }

Noted placeholder_value(const std::string& what, std::string note) {
    return {"<FILL IN: " + what + ">", Origin::placeholder, std::move(note)};
}

std::vector<std::string> DiscoveredInventory::placeholders() const {
    std::vector<std::string> out;
    auto add = [&out](const Noted& v) {
        if (v.origin == Origin::placeholder) out.push_back(v.value + ": " + v.note);
    };
    add(target_version);
    for (const auto& h : hosts) {
        add(h.current_home);
        add(h.target_home);
        add(h.java_home);
    }
    for (const auto& ns : nameservers) add(ns.config);
    for (const auto& g : groups) {
        for (const auto& m : g.members) {
            add(m.role);
            add(m.config);
            add(m.store);
        }
    }
    return out;
}

}  // namespace rmqup::discover
