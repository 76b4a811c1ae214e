#include "rmqup/remoting/acl.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "remoting/ext_order.hpp"

namespace rmqup::rmq {
namespace {

constexpr const char* k_signature = "Signature";
constexpr const char* k_access_key = "AccessKey";

}  // namespace

std::string acl_signed_content(const RemotingCommand& cmd) {
    // Java sorts into a TreeMap<String,String>; for the ASCII keys RocketMQ uses that is byte order.
    std::vector<const std::pair<std::string, std::string>*> fields;
    for (const auto& f : cmd.ext_fields)
        if (f.first != k_signature)
            fields.push_back(&f);
    std::stable_sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string out;
    for (const auto* f : fields)
        out += f->second;
    out += cmd.body;
    return out;
}

std::string acl_signature(const std::string& secret, const std::string& content) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(content.data()),
         content.size(), mac, &mac_len);
    std::string b64(4 * ((mac_len + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(mac_len));
    b64.resize(static_cast<std::size_t>(n));
    return b64;
}

void acl_sign(RemotingCommand& cmd, const AclCredentials& creds) {
    cmd.set_ext(k_access_key, creds.access_key);
    cmd.set_ext(k_signature, acl_signature(creds.secret_key.reveal(), acl_signed_content(cmd)));
    // AclClientRPCHook adds Signature then AccessKey to the HashMap; keep that tie order.
    auto ak = std::find_if(cmd.ext_fields.begin(), cmd.ext_fields.end(), [](const auto& f) { return f.first == k_access_key; });
    auto sig = std::find_if(cmd.ext_fields.begin(), cmd.ext_fields.end(), [](const auto& f) { return f.first == k_signature; });
    if (ak != cmd.ext_fields.end() && sig != cmd.ext_fields.end() && ak < sig)
        std::iter_swap(ak, sig);
    order_ext_fields_like_java(cmd.ext_fields);
}

bool acl_verify(const RemotingCommand& cmd, const std::string& secret) {
    auto sig = cmd.ext(k_signature);
    if (!sig)
        return false;
    std::string want = acl_signature(secret, acl_signed_content(cmd));
    return want.size() == sig->size() && CRYPTO_memcmp(want.data(), sig->data(), want.size()) == 0;
}

}  // namespace rmqup::rmq
