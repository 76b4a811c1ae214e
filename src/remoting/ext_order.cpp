#include "remoting/ext_order.hpp"

#include "remoting/java_hash_order.hpp"

namespace rmqup::rmq {

void order_ext_fields_like_java(std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<std::int32_t> hashes;
    hashes.reserve(fields.size());
    for (const auto& f : fields)
        hashes.push_back(java_string_hash(f.first));
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(fields.size());
    for (std::size_t i : java_iteration_order(hashes, 16, JavaTable::hash_map))
        out.push_back(std::move(fields[i]));
    fields = std::move(out);
}

}  // namespace rmqup::rmq
