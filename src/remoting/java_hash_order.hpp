// Java HashMap / ConcurrentHashMap / HashSet iteration order, so encoders write map entries in the
// order a Java server's fastjson output has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rmqup::rmq {

// String.hashCode over the UTF-16 code units of a UTF-8 string.
std::int32_t java_string_hash(std::string_view utf8);
// Long.hashCode / Integer.hashCode.
inline std::int32_t java_long_hash(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(u ^ (u >> 32)));
}
inline std::int32_t java_int_hash(std::int32_t v) { return v; }

enum class JavaTable {
    hash_map,            // HashMap / HashSet: grows when size > 0.75 * capacity
    concurrent_hash_map  // ConcurrentHashMap: grows when size >= 0.75 * capacity
};

// Bucket count after inserting `size` entries into a table that started with `initial_capacity`
// buckets (a power of two: 16 for new HashMap<>(), 2048 for new ConcurrentHashMap<>(1024)).
std::size_t java_table_capacity(std::size_t initial_capacity, std::size_t size, JavaTable kind);

// Indices into `hashes` in iteration order: by bucket (spread hash & (capacity-1)); entries sharing
// a bucket keep their input order (Java keeps insertion order there).
std::vector<std::size_t> java_iteration_order(const std::vector<std::int32_t>& hashes, std::size_t initial_capacity,
                                              JavaTable kind);

}  // namespace rmqup::rmq
