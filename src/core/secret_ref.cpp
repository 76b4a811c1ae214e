// resolve_secret_ref: "${ENV}" and "file:" references to secrets (include/rmqup/core/secret_ref.hpp).
#include "rmqup/core/secret_ref.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rmqup {

Result<Secret> resolve_secret_ref(const std::string& ref) {
    if (ref.empty()) return Secret();
    if (ref.size() > 3 && ref.rfind("${", 0) == 0 && ref.back() == '}') {
        const std::string name = ref.substr(2, ref.size() - 3);
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return make_error(ErrorKind::invalid_input, "environment variable " + name + " is not set");
        }
        return Secret(value);
    }
    if (ref.rfind("file:", 0) == 0) {
        const std::string path = ref.substr(5);
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(ErrorKind::io, "cannot read secret file " + path + ": " + std::strerror(errno));
        std::ostringstream content;
        content << in.rdbuf();
        std::string value = content.str();
        if (!value.empty() && value.back() == '\n') value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return Secret(std::move(value));
    }
    // The text is not echoed: an operator may have put the secret itself here by mistake.
    return make_error(ErrorKind::invalid_input,
                      "a secret reference must be ${ENV_VAR}, file:/path or empty (the given value is not shown)");
}

Result<std::string> resolve_access_key(const std::string& key_or_ref) {
    if (key_or_ref.rfind("${", 0) != 0 && key_or_ref.rfind("file:", 0) != 0)
        return key_or_ref;
    auto v = resolve_secret_ref(key_or_ref);
    if (!v.ok())
        return std::move(v).error();
    return v->reveal();
}

}  // namespace rmqup
