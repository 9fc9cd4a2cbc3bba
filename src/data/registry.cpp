#include "data/registry.h"

#include "core/error.h"

namespace frugal {
namespace {

const std::string kSquadUrl = "https://rajpurkar.github.io/SQuAD-explorer/dataset/";
const std::string kShiftsUrl = "https://raw.githubusercontent.com/modestyachts/squadshifts-website/master/datasets/";
const std::string kMnistUrl = "https://ossci-datasets.s3.amazonaws.com/mnist/";
const std::string kHfUrl = "https://huggingface.co/";
const std::string kGpt2Url = "https://openaipublic.blob.core.windows.net/gpt-2/models/124M/";
const std::string kLlamaUrl = "https://raw.githubusercontent.com/ggerganov/llama.cpp/master/models/";

DataRegistry make_registry() {
  DataRegistry r;
  r.push_back({"squad-v1.1-dev", "SQuAD v1.1 dev: 48 articles, 2,067 paragraphs, 10,570 questions", "CC BY-SA 4.0",
               "SQuAD explorer (byte-identical)",
               {{"dev-v1.1.json", "squad/dev-v1.1.json",
                 "95aa6a52d5d6a735563366753ca50492a658031da74f301ac5238b03966972c9", kSquadUrl + "dev-v1.1.json"}}});
  r.push_back({"squad-v2.0-dev", "SQuAD v2.0 dev: 35 articles, 1,204 paragraphs, 11,873 questions (5,945 unanswerable)",
               "CC BY-SA 4.0",
               "rebuilt from the SQuAD explorer pages (answer_start = first match; no plausible_answers); the "
               "official file differs, so only this mirror's copy has a registered checksum",
               {{"dev-v2.0.json", "squad/dev-v2.0.json",
                 "72fb06181d94ff531e9dcb9e0cbb277bffcdde84521eee6c4f6f9d80c722641a", ""}}});
  r.push_back({"squadshifts-new-wiki", "SQuADShifts New-Wiki: 48 articles, 1,581 paragraphs, 7,938 questions",
               "CC BY 4.0", "modestyachts/squadshifts-website",
               {{"new_wiki_v1.0.json", "qa/squadshifts/new_wiki_v1.0.json",
                 "1d50a0ca4cdab88d038b52ea8a2d0510af6038d7f41a0a256b9659237769d0ee", kShiftsUrl + "new_wiki_v1.0.json"}}});
  r.push_back({"squadshifts-reddit", "SQuADShifts Reddit: 2,035 paragraphs, 9,803 questions", "CC BY 4.0",
               "modestyachts/squadshifts-website",
               {{"reddit_v1.0.json", "qa/squadshifts/reddit_v1.0.json",
                 "b4ac346dbf1816fdec80fdcf91d06a4b754fa51e47960fa8614a94f37ea42a4b", kShiftsUrl + "reddit_v1.0.json"}}});
  r.push_back({"squadshifts-amazon", "SQuADShifts Amazon reviews: 2,050 paragraphs, 9,885 questions", "CC BY 4.0",
               "modestyachts/squadshifts-website",
               {{"amazon_reviews_v1.0.json", "qa/squadshifts/amazon_reviews_v1.0.json",
                 "9db7bdee84a91f0fb80b9e74f365042fbbb217cb8e0a7e73bb071245472589b6",
                 kShiftsUrl + "amazon_reviews_v1.0.json"}}});
  r.push_back({"tydiqa-goldp-en", "TyDi QA GoldP, English part: train 3,696 / dev 440 questions", "Apache-2.0",
               "extracted from google-research-datasets/tydiqa gold-passage files (no official English-only file)",
               {{"english_tydiqa_goldp_train.json", "qa/tydiqa/english_tydiqa_goldp_train.json",
                 "ab4317b6f2fcf3367e8890226631deaf3af283ffb5a878fc54ebb0d6b2afe377", ""},
                {"english_tydiqa_goldp_dev.json", "qa/tydiqa/english_tydiqa_goldp_dev.json",
                 "0a79feb66a13d4e5df8a5e1e8ad40b4a2d6622be6816c2914863b495cf0ee3e4", ""}}});
  r.push_back({"newsqa-dev", "NewsQA dev in the MRQA 2019 format: 638 contexts, 4,212 questions",
               "research use (Maluuba terms)", "MRQA shared task release (byte-identical)",
               {{"NewsQA.dev.jsonl.gz", "qa/mrqa/NewsQA.dev.jsonl.gz",
                 "66bfb10cab2029bbc7d1afaece20c35fac341b1c179d15b70fde22a207f096ae",
                 "https://s3.us-east-2.amazonaws.com/mrqa/release/v2/dev/NewsQA.jsonl.gz"}}});
  r.push_back({"sst2", "GLUE SST-2 (sentence<TAB>label): train 67,349, dev 872", "SST research data",
               "GLUE SST-2.zip (https://dl.fbaipublicfiles.com/glue/data/SST-2.zip; an archive, not fetched directly)",
               {{"train.tsv", "sst2/train.tsv", "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1", ""},
                {"dev.tsv", "sst2/dev.tsv", "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0", ""}}});
  r.push_back({"mnist", "MNIST IDX: train 60,000, test 10,000, 28x28 uint8 (cached decompressed)", "CC BY-SA 3.0",
               "yann.lecun.com/exdb/mnist (mirror: ossci-datasets)",
               {{"train-images-idx3-ubyte", "images/mnist/train-images-idx3-ubyte.gz",
                 "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", kMnistUrl + "train-images-idx3-ubyte.gz", true},
                {"train-labels-idx1-ubyte", "images/mnist/train-labels-idx1-ubyte.gz",
                 "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", kMnistUrl + "train-labels-idx1-ubyte.gz", true},
                {"t10k-images-idx3-ubyte", "images/mnist/t10k-images-idx3-ubyte.gz",
                 "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", kMnistUrl + "t10k-images-idx3-ubyte.gz", true},
                {"t10k-labels-idx1-ubyte", "images/mnist/t10k-labels-idx1-ubyte.gz",
                 "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", kMnistUrl + "t10k-labels-idx1-ubyte.gz", true}}});
  r.push_back({"usps", "USPS digits as IDX: train 7,291, test 2,007, 16x16 uint8 (cached decompressed)", "research data",
               "converted from LIBSVM usps.bz2 / usps.t.bz2 (no official IDX file)",
               {{"usps-train-images-idx3-ubyte", "images/usps/usps-train-images-idx3-ubyte.gz",
                 "4cd4bc62e6551318fe9ea956ca4b009b0d0393b480c2694b0042358c8349d345", "", true},
                {"usps-train-labels-idx1-ubyte", "images/usps/usps-train-labels-idx1-ubyte.gz",
                 "ca21dd4e5a91233d38069e4f468988d3b56f6ce37e1a579a5ad1bd02395488c6", "", true},
                {"usps-test-images-idx3-ubyte", "images/usps/usps-test-images-idx3-ubyte.gz",
                 "c457a5ed04299c6a38754b797879bb527abb519e4ec8afccc932d6018f35192a", "", true},
                {"usps-test-labels-idx1-ubyte", "images/usps/usps-test-labels-idx1-ubyte.gz",
                 "9d60836db74a1ffe67829f9a2546bd594d5d321f778dbca1578c041da94483a2", "", true}}});
  r.push_back({"bert-base-uncased", "BERT uncased WordPiece vocab (30,522) and HF tokenizer.json", "Apache-2.0",
               "HF model repo bert-base-uncased",
               {{"vocab.txt", "vocab/bert-base-uncased/vocab.txt",
                 "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", kHfUrl + "bert-base-uncased/resolve/main/vocab.txt"},
                {"tokenizer.json", "vocab/bert-base-uncased/tokenizer.json",
                 "3140af3f138a278326f082299d62c701ffa88268d85ec3ad8a9a242089a78dfe",
                 kHfUrl + "bert-base-uncased/resolve/main/tokenizer.json"}}});
  r.push_back({"bert-base-cased", "BERT cased WordPiece vocab (28,996) and a tokenizer.json written by HF tokenizers",
               "Apache-2.0", "HF model repo bert-base-cased (tokenizer.json generated, mirror only)",
               {{"vocab.txt", "vocab/bert-base-cased/vocab.txt",
                 "eeaa9875b23b04b4c54ef759d03db9d1ba1554838f8fb26c5d96fa551df93d02", kHfUrl + "bert-base-cased/resolve/main/vocab.txt"},
                {"tokenizer.json", "vocab/bert-base-cased/tokenizer.json",
                 "4d4549b6dd5086a75504e0890e75840f6937f0fc8d1abb7b94b95103928dbe66", ""}}});
  r.push_back({"gpt2", "GPT-2 byte-level BPE: encoder.json (50,257), vocab.bpe (50,000 merges), tokenizer.json", "MIT",
               "openai gpt-2 release files (tokenizer.json generated, mirror only)",
               {{"encoder.json", "vocab/gpt2/encoder.json", "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
                 kGpt2Url + "encoder.json"},
                {"vocab.bpe", "vocab/gpt2/vocab.bpe", "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
                 kGpt2Url + "vocab.bpe"},
                {"tokenizer.json", "vocab/gpt2/tokenizer.json",
                 "a73a055627f30e6a530741d6dd925a75c90b616f098e3734501cd4ca0aae7315", ""}}});
  r.push_back({"roberta-base", "RoBERTa byte-level BPE: vocab.json (50,265), merges.txt, tokenizer.json", "MIT",
               "HF model repo roberta-base",
               {{"vocab.json", "vocab/roberta-base/vocab.json",
                 "9e7f63c2d15d666b52e21d250d2e513b87c9b713cfa6987a82ed89e5e6e50655", kHfUrl + "roberta-base/resolve/main/vocab.json"},
                {"merges.txt", "vocab/roberta-base/merges.txt",
                 "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5", kHfUrl + "roberta-base/resolve/main/merges.txt"},
                {"tokenizer.json", "vocab/roberta-base/tokenizer.json",
                 "847bbeab6174d66a88898f729d52fa8d355fafe1bea101cf960dd404581df70e",
                 kHfUrl + "roberta-base/resolve/main/tokenizer.json"}}});
  r.push_back({"tokenizer-testvectors",
               "tokenizer test vectors: llama.cpp BERT (bge) and GPT-2 cases, transformers.js cases of 39 models",
               "MIT / Apache-2.0", "llama.cpp models/ and transformers.js tests (the latter collected, mirror only)",
               {{"ggml-vocab-bert-bge.gguf.inp", "testvectors/tokenizers/ggml-vocab-bert-bge.gguf.inp",
                 "be0a11f7071f0c67d3053a2d377d8f35f0dbcb77ff11a60300fb57d36b477cf0", kLlamaUrl + "ggml-vocab-bert-bge.gguf.inp"},
                {"ggml-vocab-bert-bge.gguf.out", "testvectors/tokenizers/ggml-vocab-bert-bge.gguf.out",
                 "8f95b1d4e5680634af06ac5a1b19f15ddeb743d3a6240056625e4345a4b06917", kLlamaUrl + "ggml-vocab-bert-bge.gguf.out"},
                {"ggml-vocab-gpt-2.gguf.inp", "testvectors/tokenizers/ggml-vocab-gpt-2.gguf.inp",
                 "be0a11f7071f0c67d3053a2d377d8f35f0dbcb77ff11a60300fb57d36b477cf0", kLlamaUrl + "ggml-vocab-gpt-2.gguf.inp"},
                {"ggml-vocab-gpt-2.gguf.out", "testvectors/tokenizers/ggml-vocab-gpt-2.gguf.out",
                 "48e8c4cb3ad5c37915b225f872222567c1c4dd4d66951aa53460c8d152ff6d60", kLlamaUrl + "ggml-vocab-gpt-2.gguf.out"},
                {"transformersjs_tokenizer_vectors.json", "testvectors/tokenizers/transformersjs_tokenizer_vectors.json",
                 "ce2c7b239943efe32b7a3cfb55e16b25cde6f941890b3db40a58d5033089344b", ""}}});
  return r;
}

}  // namespace

const DataRegistry& builtin_data_registry() {
  static const DataRegistry registry = make_registry();
  return registry;
}

const DataEntry* find_data_entry(const DataRegistry& registry, const std::string& name) {
  for (const auto& entry : registry) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

const DataEntry& require_data_entry(const DataRegistry& registry, const std::string& name) {
  if (const auto* entry = find_data_entry(registry, name)) return *entry;
  std::string known;
  for (const auto& entry : registry) known += (known.empty() ? "" : ", ") + entry.name;
  throw InputError("unknown data set '" + name + "' (known: " + known + ")");
}

}  // namespace frugal
