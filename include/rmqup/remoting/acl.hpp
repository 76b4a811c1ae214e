// ACL 1.0 request signing (AclClientRPCHook): HmacSHA1 + Base64 over the values of all ext
// fields sorted by key (Signature excluded), followed by the body.
#pragma once

#include <string>

#include "rmqup/core/secret.hpp"
#include "rmqup/remoting/command.hpp"

namespace rmqup::rmq {

struct AclCredentials {
    std::string access_key;
    Secret secret_key;
    bool enabled() const { return !access_key.empty() && !secret_key.empty(); }
};

// The exact bytes that are signed for cmd (after AccessKey is added).
std::string acl_signed_content(const RemotingCommand& cmd);
// Base64(HmacSHA1(secret, content)).
std::string acl_signature(const std::string& secret, const std::string& content);
// Adds AccessKey and Signature ext fields to cmd.
void acl_sign(RemotingCommand& cmd, const AclCredentials& creds);
// Server side: true when cmd carries a valid signature for secret.
bool acl_verify(const RemotingCommand& cmd, const std::string& secret);

}  // namespace rmqup::rmq
