// A secret value (ACL secret key, SSH passphrase) that cannot be printed or logged by accident.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rmqup {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : m_value(std::move(value)) {}

    // The real value: call only where it is used (signing, authentication), never for output.
    const std::string& reveal() const { return m_value; }
    bool empty() const { return m_value.empty(); }
    // What every log, report, journal and plan shows instead of the value.
    static constexpr std::string_view masked() { return "******"; }

private:
    std::string m_value;
};

// text with every occurrence of each non-empty secret replaced by "******" (LoggingShell's
// redact_command adds the values of secret-looking settings).
std::string redact(std::string text, const std::vector<Secret>& secrets);

}  // namespace rmqup
