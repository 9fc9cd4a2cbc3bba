#pragma once
// Builds plain-text pretraining corpora (one line per sentence or paragraph, a blank line
// between documents, the format `frugal pretrain` reads) from Debian's text packages and the
// registered data sets:
//   gcide     the Collaborative International Dictionary of English (dict-gcide): one entry a document
//   wordnet   WordNet 3.0 glosses (wordnet-base): "lemma: gloss" lines
//   fortunes  the fortune cookie files (fortunes): one fortune a document
//   squad-v1.1-dev, squad-v2.0-dev, squadshifts-new-wiki, squadshifts-reddit, squadshifts-amazon,
//   tydiqa-goldp-en, newsqa-dev   the contexts of QA data (each distinct paragraph once)
//   sst2      SST-2 sentences (train and dev)
// Every `held_out_every`-th document (counted per source) goes to the held-out file instead.
#include <cstdint>
#include <string>
#include <vector>

#include "data/cache.h"

namespace frugal {

struct CorpusSourceStats {
  std::string source;
  std::uint64_t documents = 0, lines = 0, bytes = 0;
  std::uint64_t held_out_documents = 0;
};

struct TextCorpusOptions {
  std::vector<std::string> sources;
  std::string out;
  std::string held_out;              // empty: no held-out file
  std::size_t held_out_every = 0;    // 0: nothing held out
  std::uint64_t max_documents = 0;   // per source; 0: all
  std::string debian_root = "/usr/share";
};

std::vector<std::string> text_corpus_sources();
// Writes out (and held_out) atomically; InputError for an unknown source or a missing package.
std::vector<CorpusSourceStats> build_text_corpus(const TextCorpusOptions& options, DataCache& cache);

}  // namespace frugal
