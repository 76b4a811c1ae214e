#include <limits>

#include "remoting/fastjson_reader.hpp"
#include "remoting/fastjson_writer.hpp"
#include "remoting/header_codec.hpp"
#include "remoting/language_code.hpp"
#include "rmqup/remoting/codec.hpp"

namespace rmqup::rmq {
namespace {

Result<int> int_field(const fj::Value& obj, std::string_view key, int fallback) {
    const fj::Value* v = obj.find(key);
    if (v == nullptr || v->kind == fj::Kind::null)
        return fallback;
    auto n = fj::to_int64(*v);
    if (!n || *n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max())
        return make_error(ErrorKind::protocol, "header field '" + std::string(key) + "' is not an int");
    return static_cast<int>(*n);
}

}  // namespace

std::string encode_json_header(const RemotingCommand& cmd) {
    // Bean fields in alphabetical order, nulls left out, as fastjson writes RemotingCommand.
    fj::Writer w;
    w.begin_object();
    w.field("code", cmd.code);
    if (cmd.has_ext_fields || !cmd.ext_fields.empty()) {
        w.key("extFields");
        w.begin_object();
        for (const auto& [k, v] : cmd.ext_fields)
            w.field(k, v);
        w.end_object();
    }
    w.field("flag", cmd.flag);
    w.field("language", cmd.language);
    w.field("opaque", cmd.opaque);
    if (cmd.remark)
        w.field("remark", *cmd.remark);
    if (cmd.rpc_type_field == RpcTypeField::written)
        w.field("serializeTypeCurrentRPC", cmd.serialize_type == SerializeType::json ? "JSON" : "ROCKETMQ");
    w.field("version", cmd.version);
    w.end_object();
    return w.take();
}

Status decode_json_header(std::string_view text, RemotingCommand& cmd) {
    auto doc = fj::parse(text);
    if (!doc)
        return std::move(doc).error().with("JSON header");
    const fj::Value& h = *doc;
    if (!h.is_object())
        return make_error(ErrorKind::protocol, "JSON header is not an object");
    auto code = int_field(h, "code", 0);
    auto flag = int_field(h, "flag", 0);
    auto opaque = int_field(h, "opaque", 0);
    auto version = int_field(h, "version", 0);
    for (const auto* r : {&code, &flag, &opaque, &version})
        if (!r->ok())
            return r->error();
    cmd.code = *code;
    cmd.flag = *flag;
    cmd.opaque = *opaque;
    cmd.version = *version;

    cmd.language.clear();
    if (const fj::Value* lang = h.find("language")) {
        if (lang->kind == fj::Kind::number) {
            auto n = fj::to_int64(*lang);
            auto name = n ? language_name(static_cast<int>(*n)) : std::nullopt;
            cmd.language = name.value_or("");
        } else if (lang->kind == fj::Kind::string) {
            cmd.language = lang->text;
        }
    }
    cmd.rpc_type_field = h.find("serializeTypeCurrentRPC") != nullptr ? RpcTypeField::written : RpcTypeField::absent;
    cmd.remark.reset();
    if (const fj::Value* remark = h.find("remark"); remark != nullptr && remark->kind != fj::Kind::null)
        cmd.remark = remark->text;

    cmd.ext_fields.clear();
    cmd.has_ext_fields = false;
    if (const fj::Value* ext = h.find("extFields"); ext != nullptr && ext->kind != fj::Kind::null) {
        if (!ext->is_object())
            return make_error(ErrorKind::protocol, "JSON header extFields is not an object");
        cmd.has_ext_fields = true;
        for (const auto& m : ext->members) {
            if (m.value.kind == fj::Kind::null)
                continue;
            if (m.value.is_object() || m.value.is_array())
                return make_error(ErrorKind::protocol, "JSON header ext field '" + m.key + "' is not a scalar");
            cmd.ext_fields.emplace_back(m.key, m.value.text);
        }
    }
    return ok_status();
}

}  // namespace rmqup::rmq
