#include <gtest/gtest.h>

#include "rmqup/core/result.hpp"
#include "rmqup/core/secret.hpp"

using namespace rmqup;

TEST(Error, DescribePutsOutermostContextFirstAndKeepsRemarkApart) {
    Error e = make_error(ErrorKind::rejected, "UPDATE_BROKER_CONFIG refused (code 1)");
    e.remark = "AclException: Check signature failed";
    e.with("broker broker-a@127.0.0.1:10911").with("step set-read-only");
    EXPECT_EQ(e.describe(),
              "step set-read-only: broker broker-a@127.0.0.1:10911: UPDATE_BROKER_CONFIG refused (code 1)"
              " [remote said: AclException: Check signature failed]");
}

static Result<int> half(int v) {
    if (v % 2) return make_error(ErrorKind::invalid_input, "odd");
    return v / 2;
}
static Result<int> quarter(int v) {
    auto h = half(v);
    RMQUP_TRY(h);
    return half(*h);
}

TEST(Result, PropagatesErrors) {
    EXPECT_EQ(*quarter(8), 2);
    auto r = quarter(6);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
}

namespace {
struct Base {
    virtual ~Base() = default;
};
struct Derived : Base {};
}  // namespace

TEST(Result, ConvertsToAResultOfABaseClassKeepingValueOrError) {
    Derived d;
    const Result<Base*> value = Result<Derived*>(&d);
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, static_cast<Base*>(&d));
    const Result<Base*> error = Result<Derived*>(make_error(ErrorKind::unreachable, "host h1"));
    ASSERT_FALSE(error.ok());
    EXPECT_EQ(error.error().kind, ErrorKind::unreachable);
    EXPECT_EQ(error.error().message, "host h1");
}

TEST(Secret, RedactMasksEveryOccurrence) {
    Secret s("s3cr3t");
    EXPECT_EQ(redact("a s3cr3t b s3cr3t", {s}), "a ****** b ******");
    Secret empty;
    EXPECT_EQ(redact("nothing", {empty}), "nothing");
}
