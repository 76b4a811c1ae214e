// The plan file: pretty JSON with a SHA-256 "hash" over the canonical plan content, so that
// `apply` runs exactly what was reviewed.
#pragma once

#include <string>
#include <string_view>

#include "rmqup/core/result.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup {

// Pretty JSON of the whole plan plus "hash" (= plan_hash(plan)).
std::string plan_to_json(const Plan& plan);

// Parses a plan file and verifies its hash: a mismatch is ErrorKind::conflict
// ("plan file was modified after review"); malformed content is invalid_input.
Result<Plan> plan_from_json(std::string_view text, const std::string& source_name);

// Lower-case hex SHA-256 of the canonical (compact, key-sorted) JSON of the plan without its hash.
std::string plan_hash(const Plan& plan);

}  // namespace rmqup
