#include "apps/serve/request_json.h"

#include <gtest/gtest.h>

namespace frugal::serve {
namespace {

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RequestError& e) {
    return e.status();
  }
  return 200;
}

}  // namespace

TEST(RequestJson, BodyErrorsAre400) {
  EXPECT_EQ(status_of([] { parse_body(""); }), 400);
  EXPECT_EQ(status_of([] { parse_body("{\"question\": "); }), 400);
  EXPECT_EQ(status_of([] { parse_body("{\"question\": \"caf\xC3\"}"); }), 400);  // invalid UTF-8
  EXPECT_EQ(status_of([] { parse_body("{\"a\": 1} trailing"); }), 400);
  EXPECT_EQ(status_of([] { parse_body(std::string(100000, '[')); }), 400);  // deep, unclosed: no stack overflow
  try {
    parse_body("{\"x\": nul}");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_NE(std::string(e.what()).find("byte"), std::string::npos);
    EXPECT_EQ(e.type(), "validation");
  }
}

TEST(RequestJson, QaShapes) {
  auto one = parse_qa_request(parse_body(R"({"question": "Who?", "context": "Ann did."})"), 32);
  ASSERT_EQ(one.inputs.size(), 1u);
  EXPECT_FALSE(one.list);
  EXPECT_EQ(one.inputs[0].question, "Who?");
  auto wrapped = parse_qa_request(parse_body(R"({"inputs": {"question": "Who?", "context": "Ann."}, "top_k": 3})"), 32);
  EXPECT_FALSE(wrapped.list);
  EXPECT_EQ(wrapped.top_k, 3u);
  auto list = parse_qa_request(parse_body(R"({"inputs": [{"question": "a", "context": "b"}, {"question": "c", "context": "d"}]})"), 32);
  EXPECT_TRUE(list.list);
  ASSERT_EQ(list.inputs.size(), 2u);
  EXPECT_EQ(list.inputs[1].context, "d");
  auto bare = parse_qa_request(parse_body(R"([{"question": "a", "context": "b"}])"), 32);
  EXPECT_TRUE(bare.list);
}

TEST(RequestJson, QaValidationIs422) {
  for (const char* body : {R"({"question": 1, "context": "b"})", R"({"context": "b"})", R"({"question": "a", "context": "  "})",
                           R"({"inputs": []})", R"({"inputs": [1, 2]})", R"("text")", R"({"question": "a", "context": "b", "top_k": 0})",
                           R"({"question": "a", "context": "b", "top_k": "2"})", R"({"inputs": [{"question": "a", "context": ["b"]}]})"}) {
    EXPECT_EQ(status_of([&] { parse_qa_request(parse_body(body), 32); }), 422) << body;
  }
  std::string many = "[";
  for (int i = 0; i < 10000; ++i) many += std::string(i ? "," : "") + R"({"question": "a", "context": "b"})";
  many += "]";
  EXPECT_EQ(status_of([&] { parse_qa_request(parse_body(many), 32); }), 422);
  EXPECT_EQ(status_of([&] { parse_qa_request(parse_body(many), 0); }), 200);  // 0: no limit
}

TEST(RequestJson, TextShapes) {
  auto one = parse_text_request(parse_body(R"({"inputs": "good film"})"), 32);
  ASSERT_EQ(one.inputs.size(), 1u);
  EXPECT_FALSE(one.list);
  auto two = parse_text_request(parse_body(R"({"inputs": ["a", "b"], "truncate": true})"), 32);
  ASSERT_EQ(two.inputs.size(), 2u);  // TEI: a list of two strings is two texts
  EXPECT_TRUE(two.truncate);
  EXPECT_TRUE(two.inputs[1].pair.empty());
  auto pairs = parse_text_request(parse_body(R"({"inputs": [["a", "b"]], "add_special_tokens": false})"), 32);
  ASSERT_EQ(pairs.inputs.size(), 1u);
  EXPECT_EQ(pairs.inputs[0].pair, "b");
  EXPECT_FALSE(pairs.add_special_tokens);
  auto hf = parse_text_request(parse_body(R"({"text": "a", "text_pair": "b"})"), 32);
  EXPECT_EQ(hf.inputs[0].pair, "b");
  for (const char* body : {R"(["a"])", R"({"inputs": 3})", R"({"inputs": [["a"]]})", R"({"inputs": [["a", 1]]})", R"({"inputs": "a", "truncate": 1})",
                           R"({})", R"({"inputs": []})"}) {
    EXPECT_EQ(status_of([&] { parse_text_request(parse_body(body), 32); }), 422) << body;
  }
}

}  // namespace frugal::serve
