#include "plain_acl.hpp"

#include <yaml-cpp/yaml.h>

#include "rmqup/remoting/acl.hpp"

namespace rmqsim {

namespace {
std::string acl_remark(const std::string& msg, const std::string& where) {
    return "org.apache.rocketmq.acl.common.AclException: " + msg + ", org.apache.rocketmq.acl.plain." + where;
}
// Permission.ADMIN_CODE in 4.9.7.
bool needs_admin(int code) { return code == 17 || code == 25 || code == 215 || code == 200 || code == 207; }
}  // namespace

rmqup::Result<PlainAcl> PlainAcl::load(const std::string& path) {
    PlainAcl acl;
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        return rmqup::make_error(rmqup::ErrorKind::invalid_input, "cannot read ACL file " + path + ": " + e.what());
    }
    for (const auto& a : root["accounts"]) {
        auto ak = a["accessKey"].as<std::string>("");
        auto sk = a["secretKey"].as<std::string>("");
        bool admin = a["admin"].as<bool>(false);
        if (!ak.empty())
            acl.add_account(ak, sk, admin);
    }
    return acl;
}

void PlainAcl::add_account(const std::string& access_key, const std::string& secret_key, bool admin) {
    m_accounts[access_key] = Account{secret_key, admin};
}

std::optional<std::string> PlainAcl::check(const rmqup::rmq::RemotingCommand& req) const {
    auto ak = req.ext("AccessKey");
    if (!ak)
        return acl_remark("No accessKey is configured", "PlainPermissionManager.validate(PlainPermissionManager.java:663)");
    auto it = m_accounts.find(*ak);
    if (it == m_accounts.end())
        return acl_remark("No acl config for " + *ak, "PlainPermissionManager.validate(PlainPermissionManager.java:667)");
    if (!rmqup::rmq::acl_verify(req, it->second.secret))
        return acl_remark("Check signature failed for accessKey=" + *ak,
                          "PlainPermissionManager.validate(PlainPermissionManager.java:683)");
    if (needs_admin(req.code) && !it->second.admin)
        return acl_remark("Need admin permission for request code=" + std::to_string(req.code) + ", but accessKey=" +
                              *ak + " is not",
                          "PlainPermissionManager.checkPerm(PlainPermissionManager.java:580)");
    return std::nullopt;
}

}  // namespace rmqsim
