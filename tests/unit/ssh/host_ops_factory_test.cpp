// make_host_ops.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "process_cleanup.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"

namespace rmqup {
namespace {

TEST(HostOpsFactory, LocalTransportRunsCommandsHere) {
    test::ScratchDir dir;
    HostAccess access;
    access.name = "local-1";
    access.transport = HostAccess::Transport::local;
    auto ops = make_host_ops(access);
    ASSERT_TRUE(ops.ok()) << ops.error().describe();
    std::ofstream(dir / "f") << "x";
    auto exists = (*ops)->path_exists(dir / "f");
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(*exists);
}

TEST(HostOpsFactory, SshNeedsAddressUserAndAValidPassphraseRef) {
    HostAccess access;
    access.name = "h1";
    access.transport = HostAccess::Transport::ssh;
    auto no_address = make_host_ops(access);
    ASSERT_FALSE(no_address.ok());
    EXPECT_EQ(no_address.error().kind, ErrorKind::invalid_input);
    access.address = "127.0.0.2";
    access.user = "root";
    access.passphrase_ref = "${RMQUP_TEST_UNSET_VAR}";
    ::unsetenv("RMQUP_TEST_UNSET_VAR");
    auto bad_ref = make_host_ops(access);
    ASSERT_FALSE(bad_ref.ok());
    EXPECT_EQ(bad_ref.error().kind, ErrorKind::invalid_input);
    access.passphrase_ref = "";
    auto ok = make_host_ops(access);
    EXPECT_TRUE(ok.ok());  // lazy: no connection is made yet
}

}  // namespace
}  // namespace rmqup
