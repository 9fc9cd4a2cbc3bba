#include "tasks/qagen/records.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/squad.h"
#include "test_support.h"

namespace frugal {

using test::error_of;

TEST(Records, StreamedSquadParagraphsEqualTheParsedFile) {
  // The SAX reader must see exactly what read_squad sees: same titles, contexts and order.
  for (const char* file : {"/squad/dev-v2.0.json", "/qa/squadshifts/amazon_reviews_v1.0.json"}) {
    const auto path = test::mirror_dir() + file;
    const auto parsed = read_squad(path);
    std::vector<Paragraph> streamed;
    const auto empty = for_each_paragraph(path, [&](Paragraph& p) { streamed.push_back(p); });
    EXPECT_EQ(empty, 0u);
    ASSERT_EQ(streamed.size(), parsed.num_paragraphs()) << file;
    std::size_t n = 0;
    for (std::size_t a = 0; a < parsed.articles.size(); ++a) {
      for (std::size_t p = 0; p < parsed.articles[a].paragraphs.size(); ++p, ++n) {
        EXPECT_EQ(streamed[n].id, "a" + std::to_string(a) + "-p" + std::to_string(p));
        EXPECT_EQ(streamed[n].title, parsed.articles[a].title);
        ASSERT_EQ(streamed[n].context, parsed.articles[a].paragraphs[p].context);
      }
    }
  }
}

TEST(Records, SquadStreamingIgnoresLookalikeKeysAndCountsEmptyParagraphs) {
  const auto dir = test::scratch_dir("records");
  // "context" and "title" outside data[i].paragraphs[j] / data[i] must not be taken.
  test::write_text(dir + "/in.json",
                   R"({"title": "root", "context": "no", "data": [{"title": "T1", "paragraphs": [)"
                   R"({"qas": [{"context": "not this", "question": "q", "id": "1", "answers": []}], "context": "first"},)"
                   R"({"context": "  \n", "qas": []}]},)"
                   "\n"
                   R"({"paragraphs": [{"context": "second", "qas": [], "extra": {"context": "nested"}}], "title": "T2"}], "version": "1.1"})");
  std::vector<Paragraph> got;
  const auto empty = for_each_paragraph(dir + "/in.json", [&](Paragraph& p) { got.push_back(p); });
  EXPECT_EQ(empty, 1u);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, "a0-p0");
  EXPECT_EQ(got[0].title, "T1");
  EXPECT_EQ(got[0].context, "first");
  EXPECT_EQ(got[1].id, "a1-p0");
  EXPECT_EQ(got[1].title, "T2");  // the title may follow the paragraphs in the file
  EXPECT_EQ(got[1].context, "second");
}

TEST(Records, SquadErrorsNameTheFileAndPlace) {
  const auto dir = test::scratch_dir("records");
  const auto ignore = [](Paragraph&) {};
  test::write_text(dir + "/broken.json", "{\"data\": [\n  {\"title\": \"x\", \"paragraphs\": [{\"context\": \"a\", \"qas\": []},]}]}");
  EXPECT_NE(error_of([&] { for_each_paragraph(dir + "/broken.json", ignore); }).find("broken.json:2:"), std::string::npos);
  test::write_text(dir + "/nocontext.json", R"({"data": [{"title": "x", "paragraphs": [{"context": "a", "qas": []}, {"qas": []}]}]})");
  EXPECT_NE(error_of([&] { for_each_paragraph(dir + "/nocontext.json", ignore); }).find("data[0].paragraphs[1]"), std::string::npos);
  test::write_text(dir + "/notsquad.json", R"({"articles": []})");
  EXPECT_NE(error_of([&] { for_each_paragraph(dir + "/notsquad.json", ignore); }).find("(root): missing field \"data\""), std::string::npos);
  test::write_text(dir + "/badutf8.json", "{\"data\": [{\"title\": \"x\", \"paragraphs\": [{\"context\": \"a\xff\"}]}]}");
  EXPECT_NE(error_of([&] { for_each_paragraph(dir + "/badutf8.json", ignore); }).find("badutf8.json:1:"), std::string::npos);
}

TEST(Records, TextParagraphsAreLinesAndJsonlRecordsNameTheirLine) {
  const auto dir = test::scratch_dir("records");
  test::write_text(dir + "/p.txt", "one\n\n  \r\ntwo\r\nthree");
  std::vector<Paragraph> got;
  EXPECT_EQ(for_each_paragraph(dir + "/p.txt", [&](Paragraph& p) { got.push_back(p); }), 2u);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].id, "l4");
  EXPECT_EQ(got[1].context, "two");
  EXPECT_EQ(got[2].context, "three");

  test::write_text(dir + "/r.jsonl", "{\"a\": 1}\n\n{\"a\": 2}\n{\"b\": \"x\"}\n");
  EXPECT_EQ(count_records(dir + "/r.jsonl"), 3u);
  std::vector<std::uint64_t> lines;
  for_each_record(dir + "/r.jsonl", [&](nlohmann::json&, std::uint64_t line) { lines.push_back(line); });
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 3, 4}));
  const auto missing = error_of([&] {
    for_each_record(dir + "/r.jsonl", [&](nlohmann::json& r, std::uint64_t line) { record_int(r, "a", dir + "/r.jsonl", line); });
  });
  EXPECT_NE(missing.find("r.jsonl:4"), std::string::npos) << missing;
  test::write_text(dir + "/bad.jsonl", "{\"a\": 1}\n{\"a\": \n");
  EXPECT_NE(error_of([&] { for_each_record(dir + "/bad.jsonl", [](nlohmann::json&, std::uint64_t) {}); }).find("bad.jsonl:2"),
            std::string::npos);
}

TEST(Records, FieldReadersTellRequiredFromOptional) {
  const auto r = nlohmann::json::parse(R"({"f1": 0.5, "n": 3, "exact": true, "s": "x", "null": null})");
  EXPECT_EQ(record_double(r, "f1", "v.jsonl", 7), 0.5);
  EXPECT_EQ(record_double(r, "n", "v.jsonl", 7), 3.0);  // an integer is a number too
  EXPECT_TRUE(record_bool(r, "exact", "v.jsonl", 7));
  EXPECT_FALSE(record_bool(r, "absent", false, "v.jsonl", 7));  // optional: the fallback
  EXPECT_TRUE(record_bool(r, "null", true, "v.jsonl", 7));
  for (const char* key : {"s", "absent", "null"}) {
    const auto e = error_of([&] { record_double(r, key, "v.jsonl", 7); });
    EXPECT_NE(e.find("v.jsonl:7"), std::string::npos) << e;
    EXPECT_NE(e.find(key), std::string::npos) << e;
    EXPECT_NE(error_of([&] { record_bool(r, key, "v.jsonl", 7); }).find("v.jsonl:7"), std::string::npos) << key;
  }
  EXPECT_NE(error_of([&] { record_bool(r, "s", false, "v.jsonl", 7); }).find("v.jsonl:7"), std::string::npos);
}

}  // namespace frugal
