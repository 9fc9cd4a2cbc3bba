#include "data/text_corpus.h"

#include <gtest/gtest.h>

#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"

namespace frugal {
namespace {

std::vector<std::vector<std::string>> documents(const std::string& path) {
  std::vector<std::vector<std::string>> docs(1);
  const auto text = read_file(path);
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      docs.emplace_back();
    } else {
      docs.back().push_back(line);
    }
  }
  docs.pop_back();
  return docs;
}

}  // namespace

TEST(TextCorpus, BuildsDocumentsAndAHeldOutSplitFromDebianAndQaSources) {
  DataCacheOptions options;
  options.home = test::scratch_dir("corpus-home");
  options.mirror = test::mirror_dir();
  DataCache cache(options);
  const auto dir = test::scratch_dir("corpus");
  TextCorpusOptions o;
  o.sources = {"wordnet", "fortunes", "squad-v1.1-dev", "sst2"};
  o.out = dir + "/train.txt";
  o.held_out = dir + "/held.txt";
  o.held_out_every = 5;
  o.max_documents = 100;
  const auto stats = build_text_corpus(o, cache);
  ASSERT_EQ(stats.size(), 4u);
  std::size_t train_docs = 0, held_docs = 0;
  for (const auto& s : stats) {
    EXPECT_EQ(s.documents, 80u) << s.source;  // 100 documents, every 5th held out
    EXPECT_EQ(s.held_out_documents, 20u) << s.source;
    train_docs += s.documents;
    held_docs += s.held_out_documents;
  }
  const auto train = documents(o.out), held = documents(o.held_out);
  EXPECT_EQ(train.size(), train_docs);
  EXPECT_EQ(held.size(), held_docs);
  std::set<std::string> train_lines;
  for (const auto& d : train) {
    for (const auto& l : d) {
      EXPECT_EQ(l.find_first_of("\t\r"), std::string::npos);
      train_lines.insert(l);
    }
  }
  // WordNet lines are "lemma: gloss"; the SQuAD contexts are there verbatim.
  EXPECT_EQ(train[0][0].rfind("entity: ", 0), 0u) << train[0][0];
  std::size_t shared = 0;
  for (const auto& d : held) shared += train_lines.count(d[0]);
  EXPECT_LT(shared, 3u);  // held-out documents are other documents
  o.sources = {"nonsense"};
  EXPECT_THROW(build_text_corpus(o, cache), InputError);
}

}  // namespace frugal
