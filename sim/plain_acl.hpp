// Plain ACL (4.x PlainPermissionManager) for the simulated broker: accounts from a plain_acl.yml,
// every request authenticated, admin-only codes refused to non-admin accounts, with the exact
// AclException remarks of a real 4.9.7 broker.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqsim {

class PlainAcl {
public:
    // Loads accounts (accessKey, secretKey, admin) from a plain_acl.yml file.
    static rmqup::Result<PlainAcl> load(const std::string& path);
    // Adds an account (tests).
    void add_account(const std::string& access_key, const std::string& secret_key, bool admin);
    // The remark of the AclException a real broker raises for req, or nothing when allowed.
    std::optional<std::string> check(const rmqup::rmq::RemotingCommand& req) const;

private:
    struct Account {
        std::string secret;
        bool admin = false;
    };
    std::map<std::string, Account> m_accounts;
};

}  // namespace rmqsim
