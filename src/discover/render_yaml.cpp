// The discovered inventory as the YAML `validate` and `plan` read (docs/inventory.md). Every value
// is followed by a comment saying where it comes from; the header lists the NameServers'
// disagreements, the warnings and the placeholders left to fill in.
#include <cstdio>
#include <sstream>

#include "build_detail.hpp"

namespace rmqup::discover {

namespace detail {

std::string yaml_quoted(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

}  // namespace detail

namespace {

using detail::yaml_quoted;

// A note on one comment line.
std::string one_line(std::string text) {
    for (auto& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

std::string comment(const Noted& v) { return "  # " + std::string(to_string(v.origin)) + ": " + one_line(v.note); }

// "key: "value"  # origin: note"; a value left empty on purpose becomes a comment line.
void value_line(std::ostream& out, const std::string& indent, const std::string& key, const Noted& v) {
    if (v.value.empty() && v.origin != Origin::placeholder) {
        out << indent << "# " << key << ": not written (" << to_string(v.origin) << ": " << one_line(v.note) << ")\n";
        return;
    }
    out << indent << key << ": " << yaml_quoted(v.value) << comment(v) << "\n";
}

// A host value shared by every host (written once in defaults), else nullptr.
const Noted* shared(const std::vector<DiscoveredHost>& hosts, Noted DiscoveredHost::*field) {
    if (hosts.empty()) return nullptr;
    const Noted& first = hosts.front().*field;
    if (first.origin == Origin::placeholder) return nullptr;
    for (const auto& h : hosts) {
        const Noted& v = h.*field;
        if (v.value != first.value || v.origin != first.origin || v.note != first.note) return nullptr;
    }
    return &first;
}

void header(std::ostream& out, const DiscoveredInventory& inv) {
    std::string ns;
    for (const auto& a : inv.nameserver_addresses) ns += (ns.empty() ? "" : ";") + a;
    out << "# Inventory of cluster " << inv.cluster << ", written by `rmq-upgrade discover -n '" << ns << "'`.\n"
        << "# Review it before `rmq-upgrade plan`. Each value says where it comes from:\n"
        << "#   discovered   read from the cluster or the host\n"
        << "#   given        given on the command line\n"
        << "#   assumed      derived or a default: confirm it\n"
        << "#   placeholder  \"<FILL IN: ...>\" could not be read: `rmq-upgrade validate` refuses the file until\n"
        << "#                every placeholder is replaced\n";
    auto section = [&out](const char* title, const std::vector<std::string>& lines) {
        if (lines.empty()) return;
        out << "#\n# " << title << ":\n";
        for (const auto& l : lines) out << "#   - " << one_line(l) << "\n";
    };
    section("NameServers disagree", inv.disagreements);
    section("Warnings", inv.warnings);
    section("Placeholders to fill in", inv.placeholders());
    out << "\n";
}

void top_level(std::ostream& out, const DiscoveredInventory& inv) {
    const std::string first_ns = inv.nameserver_addresses.empty() ? "" : inv.nameserver_addresses.front();
    out << "cluster: " << yaml_quoted(inv.cluster) << "  # discovered: clusterAddrTable of the NameServers\n";
    if (!inv.current_version.empty()) {
        out << "currentVersion: " << yaml_quoted(inv.current_version) << "  # discovered: "
            << one_line(inv.current_version_note) << "\n";
    } else if (!inv.current_version_note.empty()) {
        out << "# currentVersion: " << one_line(inv.current_version_note) << "\n";
    }
    value_line(out, "", "targetVersion", inv.target_version);
    out << "\n";
}

void defaults(std::ostream& out, const DiscoveredInventory& inv) {
    const auto& a = inv.access;
    out << "defaults:\n";
    out << "  transport: " << a.transport << "  # given: --transport\n";
    if (!a.user.empty()) out << "  user: " << yaml_quoted(a.user) << "  # given: --ssh-user\n";
    if (!a.identity_file.empty()) out << "  identityFile: " << yaml_quoted(a.identity_file) << "  # given: --identity-file\n";
    if (!a.known_hosts.empty()) out << "  knownHosts: " << yaml_quoted(a.known_hosts) << "  # given: --known-hosts\n";
    if (a.sudo) out << "  sudo: true  # given: --sudo\n";
    const std::pair<const char*, Noted DiscoveredHost::*> fields[] = {{"currentHome", &DiscoveredHost::current_home},
                                                                     {"targetHome", &DiscoveredHost::target_home},
                                                                     {"javaHome", &DiscoveredHost::java_home}};
    for (const auto& [key, field] : fields) {
        if (const Noted* v = shared(inv.hosts, field)) value_line(out, "  ", key, *v);
    }
    out << "\nhosts:\n";
    for (const auto& h : inv.hosts) {
        out << "  - name: " << yaml_quoted(h.name) << "\n    address: " << yaml_quoted(h.address) << "\n";
        for (const auto& [key, field] : fields) {
            if (!shared(inv.hosts, field)) value_line(out, "    ", key, h.*field);
        }
        for (const auto& n : h.notes) out << "    # " << one_line(n) << "\n";
    }
    out << "\n";
}

void nameservers(std::ostream& out, const DiscoveredInventory& inv) {
    out << "nameServers:\n";
    for (const auto& ns : inv.nameservers) {
        out << "  - address: " << yaml_quoted(ns.address) << "  # given: -n\n";
        out << "    host: " << yaml_quoted(ns.host) << "\n";
        value_line(out, "    ", "config", ns.config);
        for (const auto& n : ns.notes) out << "    # " << one_line(n) << "\n";
    }
    out << "\n";
}

void groups(std::ostream& out, const DiscoveredInventory& inv) {
    out << "brokerGroups:\n";
    for (const auto& g : inv.groups) {
        out << "  - brokerName: " << yaml_quoted(g.broker_name) << "\n    members:\n";
        for (const auto& m : g.members) {
            out << "      - brokerId: " << m.broker_id << "\n";
            value_line(out, "        ", "role", m.role);
            out << "        address: " << yaml_quoted(m.address) << "  # discovered: registered with the NameServers\n";
            out << "        host: " << yaml_quoted(m.host) << "\n";
            value_line(out, "        ", "config", m.config);
            value_line(out, "        ", "storePathRootDir", m.store);
            if (!m.version_note.empty()) out << "        # " << one_line(m.version_note) << "\n";
            for (const auto& n : m.notes) out << "        # " << one_line(n) << "\n";
        }
    }
    out << "\n";
}

void acl_and_policy(std::ostream& out, const DiscoveredInventory& inv) {
    if (inv.acl) {
        out << "acl:  # given: references only, resolved when rmq-upgrade runs (never the secret itself)\n"
            << "  accessKey: " << yaml_quoted(inv.acl->access_key) << "\n"
            << "  secretKey: " << yaml_quoted(inv.acl->secret_key_ref) << "\n\n";
    }
    out << "policy:  # assumed: rmq-upgrade's defaults (docs/inventory.md); review them before a roll\n"
        << "  nameServerOrder: first\n"
        << "  slavesFirst: true\n"
        << "  onFailure: rollback\n"
        << "  killPolicy: term-only\n";
}

}  // namespace

std::string render_yaml(const DiscoveredInventory& inv) {
    std::ostringstream out;
    header(out, inv);
    top_level(out, inv);
    defaults(out, inv);
    nameservers(out, inv);
    groups(out, inv);
    acl_and_policy(out, inv);
    return out.str();
}

}  // namespace rmqup::discover
