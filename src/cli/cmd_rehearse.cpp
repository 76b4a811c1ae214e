// Registers the 'rehearse' command family. Owner replaces this placeholder with the real commands.
#include "commands.hpp"

namespace rmqup::cli {

void add_rehearse_commands(CLI::App& /*app*/, GlobalOptions& /*g*/) {}

}  // namespace rmqup::cli
