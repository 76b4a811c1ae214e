#include "run_capture.hpp"

#include "rmqup/proc/process.hpp"

namespace rmqup::test {

CommandOutput run_capture(std::vector<std::string> argv, std::chrono::milliseconds timeout, Stderr stderr_to) {
    CommandOutput r;
    proc::SpawnOptions o;
    o.argv = std::move(argv);
    o.out = proc::Redirect::pipe();
    o.err = stderr_to == Stderr::merged ? proc::Redirect::same_as_stdout() : proc::Redirect::pipe();
    auto child = proc::Child::spawn(o);
    if (!child.ok()) {
        r.err = child.error().describe();
        return r;
    }
    auto captured = child->capture(std::chrono::steady_clock::now() + timeout, std::size_t{64} << 20);
    if (!captured.ok()) {
        child->kill_group(std::chrono::milliseconds(0));
        r.err = captured.error().describe();
        return r;
    }
    r.out = std::move(captured->out);
    r.err = std::move(captured->err);
    if (captured->exit_status)
        r.exit_code = *captured->exit_status;
    else
        child->kill_group(std::chrono::milliseconds(0));
    return r;
}

CommandOutput run_shell(const std::string& line, std::chrono::milliseconds timeout, Stderr stderr_to) {
    return run_capture({"/bin/sh", "-c", line}, timeout, stderr_to);
}

}  // namespace rmqup::test
