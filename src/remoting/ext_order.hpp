// Java HashMap order for a command's extFields (what a Java peer's JSON header shows).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace rmqup::rmq {

// Reorders fields as a new HashMap<String,String>() filled in the given order would iterate them.
void order_ext_fields_like_java(std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace rmqup::rmq
