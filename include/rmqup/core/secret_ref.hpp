// Secret references as the inventory writes them (hosts[].ssh.passphrase, acl.accessKey/secretKey):
// the value itself never sits in an inventory, plan or journal, only where to read it.
#pragma once

#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/core/secret.hpp"

namespace rmqup {

// Resolves a secret reference: "${NAME}" (environment variable NAME), "file:/path" (the file's
// content, one trailing newline dropped) or "" (no secret: an empty Secret).
// Errors: invalid_input (variable unset, or any other text: a literal secret is refused) and io
// (file unreadable); their messages never contain the value nor the given text.
Result<Secret> resolve_secret_ref(const std::string& ref);

// An ACL accessKey as inventories and plans carry it: a reference ("${NAME}", "file:/path") is
// resolved as above; any other text is the access key itself (it names the account, it is not a
// secret; plain_acl.yml lists it in clear). Errors: those of resolve_secret_ref.
Result<std::string> resolve_access_key(const std::string& key_or_ref);

}  // namespace rmqup
