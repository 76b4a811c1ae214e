#include <limits>

#include <gtest/gtest.h>

#include "remoting/fastjson_reader.hpp"
#include "remoting/fastjson_writer.hpp"
#include "remoting/java_hash_order.hpp"

namespace rmqup::rmq {
namespace {

TEST(FastjsonReader, BareIntegerAndObjectKeysKeepOrder) {
    auto v = fj::parse(R"({"b":{0:"x",12:"y"},"a":{{"brokerName":"b","queueId":1,"topic":"T"}:{"n":1.0E10}}})");
    ASSERT_TRUE(v.ok()) << v.error().describe();
    ASSERT_EQ(v->members.size(), 2u);
    EXPECT_EQ(v->members[0].key, "b");
    const fj::Value& b = v->members[0].value;
    ASSERT_EQ(b.members.size(), 2u);
    EXPECT_EQ(b.members[0].key_kind, fj::KeyKind::bare);
    EXPECT_EQ(b.members[1].key, "12");
    EXPECT_EQ(b.find("12")->text, "y");
    const fj::Value& a = v->members[1].value;
    EXPECT_EQ(a.members[0].key_kind, fj::KeyKind::object);
    EXPECT_EQ(a.members[0].key, R"({"brokerName":"b","queueId":1,"topic":"T"})");
    auto n = fj::get_double(a.members[0].value, "n");
    ASSERT_TRUE(n.ok());
    EXPECT_DOUBLE_EQ(*n, 1.0e10);
}

TEST(FastjsonReader, StringEscapes) {
    auto v = fj::parse(R"(["a\u0001b\/c\"\\\n\t", "\u00e9\ud83d\ude00"])");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->items[0].text, "a\x01" "b/c\"\\\n\t");
    EXPECT_EQ(v->items[1].text, "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(FastjsonReader, RejectsBrokenText) {
    for (const char* bad : {"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "\"abc", "\"\\u12\"", "{a:1}", "tru", "1 2", "{\"a\":1,,}",
                            "\"\\x\"", "-"}) {
        EXPECT_FALSE(fj::parse(bad).ok()) << bad;
    }
    std::string deep(100, '[');
    deep += std::string(100, ']');
    EXPECT_FALSE(fj::parse(deep).ok());
}

TEST(FastjsonWriter, QuotesLikeFastjson) {
    EXPECT_EQ(fj::quote("a/b"), "\"a/b\"");
    EXPECT_EQ(fj::quote("x\x01y\x1f"), "\"x\\u0001y\\u001F\"");
    EXPECT_EQ(fj::quote("\"\\\b\f\n\r\t"), R"("\"\\\b\f\n\r\t")");
    EXPECT_EQ(fj::quote("\xC3\xA9"), "\"\xC3\xA9\"");
}

TEST(FastjsonWriter, JavaDoubleFormatting) {
    EXPECT_EQ(fj::java_double(0.0), "0.0");
    EXPECT_EQ(fj::java_double(12.5), "12.5");
    EXPECT_EQ(fj::java_double(1.0), "1.0");
    EXPECT_EQ(fj::java_double(100.0), "100.0");
    EXPECT_EQ(fj::java_double(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(fj::java_double(1.0e10), "1.0E10");
    EXPECT_EQ(fj::java_double(1234567.0), "1234567.0");
    EXPECT_EQ(fj::java_double(12345678.0), "1.2345678E7");
    EXPECT_EQ(fj::java_double(0.001), "0.001");
    EXPECT_EQ(fj::java_double(0.0001), "1.0E-4");
    EXPECT_EQ(fj::java_double(-2.5), "-2.5");
    EXPECT_EQ(fj::java_double(0.7333455557592626), "0.7333455557592626");
    EXPECT_EQ(fj::java_double(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(FastjsonWriter, StructureAndKeys) {
    fj::Writer w;
    w.begin_object();
    w.key("m");
    w.begin_object();
    w.raw_key("0");
    w.value("a");
    w.raw_key(R"({"q":1})");
    w.value(std::int64_t{5});
    w.end_object();
    w.key("l");
    w.begin_array();
    w.value(true);
    w.value_double(2.0);
    w.begin_object();
    w.end_object();
    w.end_array();
    w.end_object();
    EXPECT_EQ(w.str(), R"({"m":{0:"a",{"q":1}:5},"l":[true,2.0,{}]})");
}

TEST(JavaHashOrder, StringHashesMatchJava) {
    EXPECT_EQ(java_string_hash(""), 0);
    EXPECT_EQ(java_string_hash("a"), 97);
    EXPECT_EQ(java_string_hash("broker-a"), 372697965);  // "broker-a".hashCode()
    EXPECT_EQ(java_string_hash("\xC3\xA9"), 233);
    EXPECT_EQ(java_long_hash(-1), 0);
    EXPECT_EQ(java_table_capacity(16, 12, JavaTable::hash_map), 16u);
    EXPECT_EQ(java_table_capacity(16, 13, JavaTable::hash_map), 32u);
    EXPECT_EQ(java_table_capacity(16, 12, JavaTable::concurrent_hash_map), 32u);
}

}  // namespace
}  // namespace rmqup::rmq
