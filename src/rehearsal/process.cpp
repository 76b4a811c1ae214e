#include "rmqup/rehearsal/process.hpp"

namespace rmqup::rehearsal {

SpawnOptions::operator proc::SpawnOptions() const {
    proc::SpawnOptions o = proc::logged_to(argv, log_path);
    o.env = env;
    o.cwd = cwd;
    if (!stdout_path.empty())
        o.out = proc::Redirect::truncate(stdout_path);
    return o;
}

}  // namespace rmqup::rehearsal
