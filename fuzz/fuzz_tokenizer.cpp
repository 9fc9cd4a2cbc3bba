// libFuzzer target: arbitrary bytes through the tokenizers (BERT uncased/cased WordPiece,
// GPT-2 and RoBERTa byte-level BPE), as single texts and pairs, with truncation windows, and
// decoding. Checks invariants beyond "no crash": offsets inside the text and ordered, word
// ids never decreasing, byte-level decoding exact. Build and run: scripts/fuzz.sh
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "fuzz_target.h"
#include "core/utf8.h"
#include "text/tokenizer_loader.h"

namespace {

std::string mirror() {
  const char* env = std::getenv("FRUGAL_MIRROR");
  return env ? env : FRUGAL_DEFAULT_MIRROR;
}

struct Tokenizers {
  frugal::Tokenizer bert_uncased = frugal::load_tokenizer(mirror() + "/vocab/bert-base-uncased/vocab.txt");
  frugal::Tokenizer bert_cased = frugal::load_tokenizer(mirror() + "/vocab/bert-base-cased/tokenizer.json");
  frugal::Tokenizer gpt2 = frugal::load_gpt2_files(mirror() + "/vocab/gpt2/encoder.json", mirror() + "/vocab/gpt2/vocab.bpe");
  frugal::Tokenizer roberta = frugal::load_tokenizer(mirror() + "/vocab/roberta-base/tokenizer.json");
};

void check(bool ok, const char* what) {
  if (!ok) frugal::fuzz::violated(what);
}

void check_encoding(const frugal::Encoding& e, std::size_t text_a, std::size_t text_b) {
  check(e.ids.size() == e.offsets.size() && e.ids.size() == e.word_ids.size() && e.ids.size() == e.type_ids.size(),
        "parallel arrays");
  std::int32_t last_word[2] = {-1, -1};
  for (std::size_t i = 0; i < e.size(); ++i) {
    const int seq = e.sequence_ids[i];
    if (seq < 0) continue;
    const std::size_t limit = seq == 0 ? text_a : text_b;
    check(e.offsets[i].first <= e.offsets[i].second && e.offsets[i].second <= limit, "offset inside its text");
    check(e.word_ids[i] >= last_word[seq], "word ids never decrease");
    last_word[seq] = e.word_ids[i];
  }
  for (const auto& o : e.overflowing) check_encoding(o, text_a, text_b);
}

}  // namespace

FRUGAL_FUZZ_TARGET(fuzz_tokenizer) {
  static Tokenizers* tokenizers = new Tokenizers();
  if (size < 2) return;
  const int which = data[0] % 4;
  const std::size_t split = data[1] % (size - 1);
  std::string text = frugal::replace_invalid_utf8(std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));
  frugal::Tokenizer& t = which == 0 ? tokenizers->bert_uncased : which == 1 ? tokenizers->bert_cased
                         : which == 2 ? tokenizers->gpt2 : tokenizers->roberta;
  const std::size_t n = frugal::count_code_points(text);
  const auto single = t.encode(text);
  check_encoding(single, n, 0);
  if (which == 2) check(t.decode(t.encode(text, false).ids, false, false) == text, "byte-level round trip");
  (void)t.decode(single.ids);

  // A pair, split at a character boundary, with overflowing windows.
  std::size_t cut = std::min(split, text.size());
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const std::string a = text.substr(0, cut), b = text.substr(cut);
  t.set_truncation(frugal::TruncationOptions{static_cast<std::size_t>(16 + data[1] % 16), static_cast<std::size_t>(data[0] % 4),
                                             frugal::TruncationStrategy::LongestFirst,
                                             (data[0] & 16) ? frugal::Side::Left : frugal::Side::Right});
  try {
    check_encoding(t.encode_pair(a, b), frugal::count_code_points(a), frugal::count_code_points(b));
  } catch (const frugal::InputError&) {
    // stride too large for the room left: a reported user error, not a crash
  }
  t.set_truncation(std::nullopt);
}
