#include "text/tokenizer_loader.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/text_lines.h"
#include "core/utf8.h"

namespace fs = std::filesystem;

namespace frugal {
namespace {

std::vector<std::pair<std::string, std::int32_t>> read_vocab_txt(const std::string& path) {
  std::vector<std::pair<std::string, std::int32_t>> pairs;  // a token per line; its id is the line index
  for_each_line(path, [&](std::string& line, std::uint64_t) {
    pairs.emplace_back(std::move(line), static_cast<std::int32_t>(pairs.size()));
  });
  return pairs;
}

std::vector<std::pair<std::string, std::int32_t>> vocab_pairs_from_json(simdjson::dom::element e, const JsonContext& at) {
  std::vector<std::pair<std::string, std::int32_t>> pairs;
  for (auto [key, value] : json_object(e, at)) {
    pairs.emplace_back(std::string(key), static_cast<std::int32_t>(json_int(value, at.child(key))));
  }
  return pairs;
}

std::pair<std::string, std::string> split_merge(std::string_view line, const JsonContext& at, std::size_t index) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= line.size()) {
    at.index(index).fail("a merge is two tokens separated by one space");
  }
  return {std::string(line.substr(0, space)), std::string(line.substr(space + 1))};
}

std::vector<std::pair<std::string, std::string>> read_merges_txt(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> merges;
  for_each_line(path, [&](std::string& text, std::uint64_t line_no) {
    const std::string_view line(text);
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) return;
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 >= line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      throw InputError(InputLocation{path, line_no, 1}, "a merge line is two tokens separated by one space");
    }
    merges.emplace_back(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
  });
  return merges;
}

PostProcessorConfig bert_template(const std::string& cls, const std::string& sep) {
  PostProcessorConfig pp;
  pp.enabled = true;
  pp.type = "BertProcessing";
  pp.single = {{false, 0, cls, 0}, {true, 0, "", 0}, {false, 0, sep, 0}};
  pp.pair = {{false, 0, cls, 0}, {true, 0, "", 0}, {false, 0, sep, 0}, {true, 1, "", 1}, {false, 0, sep, 1}};
  return pp;
}

PostProcessorConfig roberta_template(const std::string& cls, const std::string& sep, bool trim, bool prefix_space) {
  PostProcessorConfig pp;
  pp.enabled = true;
  pp.type = "RobertaProcessing";
  pp.single = {{false, 0, cls, 0}, {true, 0, "", 0}, {false, 0, sep, 0}};
  pp.pair = {{false, 0, cls, 0}, {true, 0, "", 0}, {false, 0, sep, 0}, {false, 0, sep, 0}, {true, 1, "", 0},
             {false, 0, sep, 0}};
  pp.trim_offsets = trim;
  pp.add_prefix_space = prefix_space;
  return pp;
}

bool get_bool(simdjson::dom::object o, std::string_view key, bool fallback, const JsonContext& at) {
  simdjson::dom::element e;
  if (o.at_key(key).get(e)) return fallback;
  if (e.is_null()) return fallback;
  bool b;
  if (e.get(b)) at.child(key).fail("expected true or false");
  return b;
}

std::string get_string(simdjson::dom::object o, std::string_view key, const std::string& fallback, const JsonContext& at) {
  simdjson::dom::element e;
  if (o.at_key(key).get(e) || e.is_null()) return fallback;
  return std::string(json_string(e, at.child(key)));
}

std::string component_type(simdjson::dom::object o, const JsonContext& at) {
  return get_string(o, "type", "", at);
}

[[noreturn]] void unsupported(const JsonContext& at, const std::string& what, const std::string& type) {
  at.fail("unsupported " + what + " '" + type + "' (frugal implements the BERT, GPT-2 and RoBERTa components)");
}

PostProcessorConfig parse_post_processor(simdjson::dom::object pp, const JsonContext& at) {
  const std::string type = component_type(pp, at);
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    auto token_of = [&](std::string_view key) {
      const auto here = at.child(key);
      auto arr = json_array(json_field(pp, key, at), here);
      for (auto first : arr) return std::string(json_string(first, here.index(0)));
      here.fail("expected [token, id]");
    };
    if (type == "BertProcessing") return bert_template(token_of("cls"), token_of("sep"));
    return roberta_template(token_of("cls"), token_of("sep"), get_bool(pp, "trim_offsets", true, at),
                            get_bool(pp, "add_prefix_space", true, at));
  }
  if (type == "ByteLevel") {
    PostProcessorConfig config;
    config.type = type;
    config.trim_offsets = get_bool(pp, "trim_offsets", true, at);
    config.add_prefix_space = get_bool(pp, "add_prefix_space", true, at);
    return config;
  }
  if (type == "TemplateProcessing") {
    PostProcessorConfig config;
    config.enabled = true;
    config.type = type;
    auto parse_items = [&](std::string_view key) {
      std::vector<TemplateItem> items;
      const auto here = at.child(key);
      std::size_t i = 0;
      for (auto item_el : json_array(json_field(pp, key, at), here)) {
        const auto item_at = here.index(i++);
        const auto item = json_object(item_el, item_at);
        TemplateItem t;
        if (json_has(item, "SpecialToken")) {
          const auto st = json_object(json_field(item, "SpecialToken", item_at), item_at.child("SpecialToken"));
          t.special = std::string(json_string(json_field(st, "id", item_at), item_at.child("SpecialToken.id")));
          t.type_id = static_cast<std::int32_t>(json_int(json_field(st, "type_id", item_at), item_at.child("type_id")));
        } else if (json_has(item, "Sequence")) {
          const auto sq = json_object(json_field(item, "Sequence", item_at), item_at.child("Sequence"));
          const std::string which(json_string(json_field(sq, "id", item_at), item_at.child("Sequence.id")));
          t.is_sequence = true;
          t.sequence = which == "B" ? 1 : 0;
          t.type_id = static_cast<std::int32_t>(json_int(json_field(sq, "type_id", item_at), item_at.child("type_id")));
        } else {
          item_at.fail("expected SpecialToken or Sequence");
        }
        items.push_back(std::move(t));
      }
      return items;
    };
    config.single = parse_items("single");
    config.pair = parse_items("pair");
    if (json_has(pp, "special_tokens")) {
      for (auto [name, spec] : json_object(json_field(pp, "special_tokens", at), at.child("special_tokens"))) {
        const auto spec_at = at.child("special_tokens").child(name);
        std::size_t count = 0;
        for (auto id : json_array(json_field(json_object(spec, spec_at), "ids", spec_at), spec_at.child("ids"))) {
          (void)id;
          ++count;
        }
        if (count != 1) spec_at.fail("special tokens with several ids are not supported");
      }
    }
    return config;
  }
  unsupported(at, "post_processor", type);
}

// Every special token the post-processor inserts must have an id.
Tokenizer checked(Tokenizer tokenizer, const JsonContext& top) {
  const auto& pp = tokenizer.config().post_processor;
  for (const auto* items : {&pp.single, &pp.pair}) {
    for (const auto& item : *items) {
      if (!item.is_sequence && tokenizer.token_to_id(item.special) < 0) {
        top.child("post_processor").fail("special token '" + item.special + "' is not in the vocabulary");
      }
    }
  }
  return tokenizer;
}

}  // namespace

Tokenizer load_tokenizer_json(const std::string& path) { return load_tokenizer_json_text(read_file(path), path); }

Tokenizer load_tokenizer_json_text(std::string_view json, const std::string& path) {
  simdjson::dom::parser parser;
  const JsonContext top{path, ""};
  const auto root = json_object(parse_json_text(parser, json, path), top);

  TokenizerConfig config;
  // normalizer
  simdjson::dom::element e;
  if (!root.at_key("normalizer").get(e) && !e.is_null()) {
    const auto at = top.child("normalizer");
    const auto n = json_object(e, at);
    const std::string type = component_type(n, at);
    if (type != "BertNormalizer") unsupported(at, "normalizer", type);
    BertNormalizerOptions o;
    o.clean_text = get_bool(n, "clean_text", true, at);
    o.handle_chinese_chars = get_bool(n, "handle_chinese_chars", true, at);
    o.lowercase = get_bool(n, "lowercase", true, at);
    simdjson::dom::element sa;
    o.strip_accents = (n.at_key("strip_accents").get(sa) || sa.is_null()) ? -1 : get_bool(n, "strip_accents", false, at);
    config.bert_normalizer = o;
  }
  if (!root.at_key("pre_tokenizer").get(e) && !e.is_null()) {
    const auto at = top.child("pre_tokenizer");
    const auto p = json_object(e, at);
    const std::string type = component_type(p, at);
    if (type == "BertPreTokenizer") {
      config.pre_tokenizer = PreTokenizerKind::Bert;
    } else if (type == "ByteLevel") {
      config.pre_tokenizer = PreTokenizerKind::ByteLevel;
      config.byte_level_add_prefix_space = get_bool(p, "add_prefix_space", true, at);
      if (!get_bool(p, "use_regex", true, at)) at.fail("ByteLevel with use_regex false is not supported");
    } else {
      unsupported(at, "pre_tokenizer", type);
    }
  }
  if (!root.at_key("post_processor").get(e) && !e.is_null()) {
    config.post_processor = parse_post_processor(json_object(e, top.child("post_processor")), top.child("post_processor"));
  }
  if (!root.at_key("decoder").get(e) && !e.is_null()) {
    const auto at = top.child("decoder");
    const auto d = json_object(e, at);
    const std::string type = component_type(d, at);
    if (type == "WordPiece") {
      config.decoder = DecoderKind::WordPiece;
      config.decoder_prefix = get_string(d, "prefix", "##", at);
      config.decoder_cleanup = get_bool(d, "cleanup", true, at);
    } else if (type == "ByteLevel") {
      config.decoder = DecoderKind::ByteLevel;
    } else {
      unsupported(at, "decoder", type);
    }
  }
  for (const char* key : {"truncation", "padding"}) {
    if (!root.at_key(key).get(e) && !e.is_null()) {
      top.child(key).fail("built-in truncation/padding settings are not supported yet; set them in frugal instead");
    }
  }

  AddedVocabulary added;
  if (!root.at_key("added_tokens").get(e) && !e.is_null()) {
    const auto at = top.child("added_tokens");
    std::size_t i = 0;
    for (auto item : json_array(e, at)) {
      const auto here = at.index(i++);
      const auto t = json_object(item, here);
      AddedToken token;
      token.content = std::string(json_string(json_field(t, "content", here), here.child("content")));
      token.id = static_cast<std::int32_t>(json_int(json_field(t, "id", here), here.child("id")));
      token.special = get_bool(t, "special", false, here);
      token.single_word = get_bool(t, "single_word", false, here);
      token.lstrip = get_bool(t, "lstrip", false, here);
      token.rstrip = get_bool(t, "rstrip", false, here);
      token.normalized = get_bool(t, "normalized", !token.special, here);
      if (token.normalized && config.bert_normalizer && config.bert_normalizer->lowercase) {
        here.fail("normalized added tokens under a lowercasing normalizer are not supported");
      }
      added.add(std::move(token));
    }
  }

  const auto model_at = top.child("model");
  const auto model = json_object(json_field(root, "model", top), model_at);
  std::string type = component_type(model, model_at);
  if (type.empty()) type = json_has(model, "merges") ? "BPE" : "WordPiece";
  if (type != "WordPiece" && type != "BPE") unsupported(model_at, "model", type);
  auto vocab = Vocab::from_pairs(vocab_pairs_from_json(json_field(model, "vocab", model_at), model_at.child("vocab")));
  if (type == "WordPiece") {
    WordPieceOptions o;
    o.unk_token = get_string(model, "unk_token", "[UNK]", model_at);
    o.continuing_subword_prefix = get_string(model, "continuing_subword_prefix", "##", model_at);
    simdjson::dom::element m;
    if (!model.at_key("max_input_chars_per_word").get(m) && !m.is_null()) {
      o.max_input_chars_per_word = static_cast<std::size_t>(json_int(m, model_at.child("max_input_chars_per_word")));
    }
    try {
      return checked(Tokenizer(std::make_unique<WordPiece>(std::move(vocab), o), config, std::move(added)), top);
    } catch (const std::invalid_argument& ex) {
      model_at.fail(ex.what());
    }
  }
  if (type == "BPE") {
    BpeOptions o;
    o.unk_token = get_string(model, "unk_token", "", model_at);
    o.continuing_subword_prefix = get_string(model, "continuing_subword_prefix", "", model_at);
    o.end_of_word_suffix = get_string(model, "end_of_word_suffix", "", model_at);
    o.fuse_unk = get_bool(model, "fuse_unk", false, model_at);
    if (get_bool(model, "byte_fallback", false, model_at)) model_at.fail("BPE byte_fallback is not supported");
    simdjson::dom::element d;
    if (!model.at_key("dropout").get(d) && !d.is_null()) model_at.fail("BPE dropout is not supported");
    std::vector<std::pair<std::string, std::string>> merges;
    const auto merges_at = model_at.child("merges");
    std::size_t i = 0;
    for (auto m : json_array(json_field(model, "merges", model_at), merges_at)) {
      std::string_view s;
      if (m.get(s) == simdjson::SUCCESS) {
        merges.push_back(split_merge(s, merges_at, i));
      } else {
        auto pair = json_array(m, merges_at.index(i));
        std::vector<std::string> parts;
        for (auto p : pair) parts.emplace_back(json_string(p, merges_at.index(i)));
        if (parts.size() != 2) merges_at.index(i).fail("a merge is a pair of tokens");
        merges.emplace_back(parts[0], parts[1]);
      }
      ++i;
    }
    try {
      return checked(Tokenizer(std::make_unique<Bpe>(std::move(vocab), merges, o), config, std::move(added)), top);
    } catch (const std::invalid_argument& ex) {
      model_at.fail(ex.what());
    }
  }
  unsupported(model_at, "model", type);
}

Tokenizer load_wordpiece_vocab(const std::string& vocab_txt, int lowercase) {
  auto pairs = read_vocab_txt(vocab_txt);
  if (lowercase < 0) {
    // bert-base-uncased has no upper-case letters outside [BRACKETED] special tokens.
    lowercase = 1;
    for (const auto& [token, id] : pairs) {
      if (!token.empty() && token.front() == '[' && token.back() == ']') continue;
      if (std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        lowercase = 0;
        break;
      }
    }
  }
  TokenizerConfig config;
  BertNormalizerOptions n;
  n.lowercase = lowercase == 1;
  config.bert_normalizer = n;
  config.pre_tokenizer = PreTokenizerKind::Bert;
  config.post_processor = bert_template("[CLS]", "[SEP]");
  config.decoder = DecoderKind::WordPiece;
  AddedVocabulary added;
  for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    for (const auto& [token, id] : pairs) {
      if (token == special) added.add({token, id, true, false, false, false, false});
    }
  }
  auto vocab = Vocab::from_pairs(std::move(pairs));
  try {
    return Tokenizer(std::make_unique<WordPiece>(std::move(vocab), WordPieceOptions{}), config, std::move(added));
  } catch (const std::invalid_argument& ex) {
    throw InputError(InputLocation{vocab_txt}, ex.what());
  }
}

static Tokenizer load_byte_level_bpe(const std::string& vocab_json, const std::string& merges_txt, bool roberta) {
  simdjson::dom::parser parser;
  const JsonContext top{vocab_json, ""};
  auto vocab = Vocab::from_pairs(vocab_pairs_from_json(parse_json_file(parser, vocab_json), top));
  const auto merges = read_merges_txt(merges_txt);
  TokenizerConfig config;
  config.pre_tokenizer = PreTokenizerKind::ByteLevel;
  config.decoder = DecoderKind::ByteLevel;
  AddedVocabulary added;
  if (roberta) {
    config.post_processor = roberta_template("<s>", "</s>", true, false);
    for (const char* special : {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}) {
      const auto id = vocab.find(special);
      if (id >= 0) added.add({special, id, true, false, std::string(special) == "<mask>", false, true});
    }
  } else {
    config.post_processor.type = "ByteLevel";
    const auto id = vocab.find("<|endoftext|>");
    if (id >= 0) added.add({"<|endoftext|>", id, true, false, false, false, false});
  }
  try {
    return Tokenizer(std::make_unique<Bpe>(std::move(vocab), merges, BpeOptions{}), config, std::move(added));
  } catch (const std::invalid_argument& ex) {
    throw InputError(InputLocation{merges_txt}, ex.what());
  }
}

Tokenizer load_gpt2_files(const std::string& encoder_json, const std::string& vocab_bpe) {
  return load_byte_level_bpe(encoder_json, vocab_bpe, false);
}

Tokenizer load_roberta_files(const std::string& vocab_json, const std::string& merges_txt) {
  return load_byte_level_bpe(vocab_json, merges_txt, true);
}

Tokenizer load_tokenizer(const std::string& path) {
  if (fs::is_directory(path)) {
    const auto has = [&](const char* name) { return fs::is_regular_file(fs::path(path) / name); };
    const auto at = [&](const char* name) { return (fs::path(path) / name).string(); };
    if (has("tokenizer.json")) return load_tokenizer_json(at("tokenizer.json"));
    if (has("encoder.json") && has("vocab.bpe")) return load_gpt2_files(at("encoder.json"), at("vocab.bpe"));
    if (has("vocab.json") && has("merges.txt")) return load_roberta_files(at("vocab.json"), at("merges.txt"));
    if (has("vocab.txt")) return load_wordpiece_vocab(at("vocab.txt"));
    throw InputError(InputLocation{path}, "no tokenizer files (tokenizer.json, vocab.txt, encoder.json+vocab.bpe, "
                                          "vocab.json+merges.txt)");
  }
  const std::string name = fs::path(path).filename().string();
  if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0) return load_tokenizer_json(path);
  if (name.size() >= 4 && name.compare(name.size() - 4, 4, ".txt") == 0) return load_wordpiece_vocab(path);
  throw InputError(InputLocation{path}, "not a tokenizer file: expected a vocab.txt, a tokenizer.json or a directory");
}

}  // namespace frugal
