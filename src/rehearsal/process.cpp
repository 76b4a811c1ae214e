#include "rmqup/rehearsal/process.hpp"

#include <signal.h>

namespace rmqup::rehearsal {

SpawnOptions::operator proc::SpawnOptions() const {
    proc::SpawnOptions o;
    o.argv = argv;
    o.env = env;
    o.cwd = cwd;
    const auto log = log_path.empty() ? proc::Redirect::null() : proc::Redirect::append(log_path);
    o.out = stdout_path.empty() ? log : proc::Redirect::truncate(stdout_path);
    o.err = log;
    o.group = proc::Group::new_group;
    o.death_signal = SIGKILL;
    return o;
}

}  // namespace rmqup::rehearsal
