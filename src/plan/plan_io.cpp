#include "rmqup/plan/plan_io.hpp"

#include <openssl/sha.h>

#include "plan_json.hpp"

namespace rmqup {

namespace {

std::string sha256_hex(const std::string& data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += k_hex[b >> 4];
        out += k_hex[b & 15];
    }
    return out;
}

// Canonical form: compact, keys sorted (nlohmann::json objects are ordered maps).
std::string canonical(const nlohmann::json& tree) { return tree.dump(); }

}  // namespace

std::string plan_hash(const Plan& plan) { return sha256_hex(canonical(plan_detail::plan_to_tree(plan))); }

std::string plan_to_json(const Plan& plan) {
    auto tree = plan_detail::plan_to_tree(plan);
    tree["hash"] = sha256_hex(canonical(tree));
    return tree.dump(2) + "\n";
}

Result<Plan> plan_from_json(std::string_view text, const std::string& source_name) {
    auto tree = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (tree.is_discarded() || !tree.is_object()) {
        return make_error(ErrorKind::invalid_input, source_name + ": not a plan file (invalid JSON)");
    }
    auto h = tree.find("hash");
    if (h == tree.end() || !h->is_string()) {
        return make_error(ErrorKind::invalid_input, source_name + ": plan file has no \"hash\" field");
    }
    std::string stored = h->get<std::string>();
    tree.erase("hash");
    if (sha256_hex(canonical(tree)) != stored) {
        return make_error(ErrorKind::conflict, "plan file was modified after review").with("plan " + source_name);
    }
    auto plan = plan_detail::plan_from_tree(tree);
    if (!plan) return std::move(plan).error().with("plan " + source_name);
    return plan;
}

}  // namespace rmqup
