// The CLI's contract, exercised on the built binary: help and examples, version, config
// files with flag overrides, --dump-config, error lines and exit codes, no partial output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "test_support.h"

namespace frugal {
namespace fs = std::filesystem;
using test::run_frugal;

namespace {
std::string v1() { return test::mirror_dir() + "/squad/dev-v1.1.json"; }
std::string v2() { return test::mirror_dir() + "/squad/dev-v2.0.json"; }

// One prediction for each question of a small SQuAD file, written to dir.
std::string tiny_dataset(const std::string& dir) {
  const std::string data = dir + "/tiny.json";
  test::write_text(data,
                   "{\"version\": \"v2.0\", \"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\": \"Paris is "
                   "big\", \"qas\": [{\"id\": \"q1\", \"question\": \"?\", \"answers\": [{\"text\": \"Paris\", "
                   "\"answer_start\": 0}]}, {\"id\": \"q2\", \"question\": \"?\", \"answers\": []}]}]}]}");
  return data;
}
}  // namespace

TEST(Cli, VersionAndHelpWithExamplesOnEveryCommand) {
  const auto version = run_frugal("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("frugal 0.", 0), 0u) << version.out;
  for (const char* command : {"", "data", "data list", "data fetch", "data verify", "data path", "squad",
                              "squad validate", "eval", "eval squad", "info", "demo", "tokenize", "tokenize train",
                              "mask", "bench", "bench mask", "augment", "augment tang", "model", "model init",
                              "model info", "model forward", "pretrain", "pretrain mlm", "pretrain lm", "eval mlm",
                              "eval lm", "launch", "data corpus", "qa", "qa train", "qa predict", "qagen",
                              "qagen train-answers", "qagen train-questions", "qagen answers", "qagen questions",
                              "qagen filter", "qagen keep", "qagen cloze", "qagen run"}) {
    const auto help = run_frugal(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Example:\n  frugal"), std::string::npos) << "no example in '" << command << " --help'";
  }
}

TEST(Cli, EvalSquadPrintsTheOfficialJson) {
  const auto dir = test::scratch_dir("cli");
  const auto data = tiny_dataset(dir);
  test::write_text(dir + "/p.json", "{\"q1\": \"paris\", \"q2\": \"big\"}");
  const auto r = run_frugal("eval squad " + data + " " + dir + "/p.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\n  \"exact\": 50.0,\n  \"f1\": 50.0,\n  \"total\": 2,\n  \"HasAns_exact\": 100.0,\n  \"HasAns_f1\": "
            "100.0,\n  \"HasAns_total\": 1,\n  \"NoAns_exact\": 0.0,\n  \"NoAns_f1\": 0.0,\n  \"NoAns_total\": 1\n}\n");
  // A no-answer probability above the threshold turns q2 into a correct abstention.
  test::write_text(dir + "/na.json", "{\"q1\": 0.1, \"q2\": 0.9}");
  const auto t = run_frugal("eval squad " + data + " " + dir + "/p.json --na-prob " + dir + "/na.json --na-prob-thresh 0.5");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("\"exact\": 100.0"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("\"best_exact_thresh\": 0.1"), std::string::npos) << t.out;
}

TEST(Cli, ConfigFileValuesAndFlagOverrides) {
  const auto dir = test::scratch_dir("cli");
  const auto data = tiny_dataset(dir);
  test::write_text(dir + "/p.json", "{\"q1\": \"paris\", \"q2\": \"big\"}");
  test::write_text(dir + "/na.json", "{\"q1\": 0.1, \"q2\": 0.9}");
  test::write_text(dir + "/run.json", "{\"log-level\": \"warn\", \"eval\": {\"squad\": {\"na-prob\": \"" + dir +
                                          "/na.json\", \"na-prob-thresh\": 0.5}}}");
  const std::string base = "--config " + dir + "/run.json eval squad " + data + " " + dir + "/p.json";
  const auto from_config = run_frugal(base);
  ASSERT_EQ(from_config.exit_code, 0) << from_config.err;
  EXPECT_NE(from_config.out.find("\"exact\": 100.0"), std::string::npos) << from_config.out;
  const auto overridden = run_frugal(base + " --na-prob-thresh 0.95");
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_NE(overridden.out.find("\"exact\": 50.0"), std::string::npos) << overridden.out;

  // --dump-config shows the effective values and loads back as a config file.
  const auto dumped = run_frugal(base + " --na-prob-thresh 0.95 --dump-config");
  ASSERT_EQ(dumped.exit_code, 0) << dumped.err;
  EXPECT_NE(dumped.out.find("\"na-prob-thresh\": 0.95"), std::string::npos) << dumped.out;
  EXPECT_NE(dumped.out.find("\"log-level\": \"warn\""), std::string::npos) << dumped.out;
  test::write_text(dir + "/dumped.json", dumped.out);
  const auto reloaded = run_frugal("--config " + dir + "/dumped.json eval squad");
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.err;
  EXPECT_EQ(reloaded.out, overridden.out);
}

TEST(Cli, BadInputIsOneErrorLineExitTwoAndNoOutputFile) {
  const auto dir = test::scratch_dir("cli");
  test::write_text(dir + "/broken.json", "{\"q1\": \"x\",\n \"q2\": }");
  const std::string out = dir + "/eval.json";
  const auto r = run_frugal("eval squad " + v1() + " " + dir + "/broken.json --out " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: " + dir + "/broken.json:2:8: malformed JSON", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::directory_iterator(dir) != fs::directory_iterator());

  test::write_text(dir + "/bad-utf8.json", "{\"q1\": \"caf\xe9\"}");
  const auto u = run_frugal("eval squad " + v1() + " " + dir + "/bad-utf8.json");
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_EQ(u.err, "error: " + dir + "/bad-utf8.json:1:12: invalid UTF-8\n");

  const auto missing = run_frugal("eval squad " + v1() + " " + dir + "/absent.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err.rfind("error: " + dir + "/absent.json: cannot read file", 0), 0u) << missing.err;

  const auto unknown = run_frugal("data fetch no-such-set");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("error: unknown data set 'no-such-set' (known: squad-v1.1-dev,", 0), 0u) << unknown.err;

  const auto bad_flag = run_frugal("eval squad --no-such-flag");
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_EQ(bad_flag.err.rfind("error: ", 0), 0u);

  test::write_text(dir + "/bad-config.json", "{\"eval\": {\"squad\": {\"na-prob-thresh\": }}}");
  const auto config = run_frugal("--config " + dir + "/bad-config.json info");
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_EQ(config.err.rfind("error: " + dir + "/bad-config.json:1:39: malformed JSON config", 0), 0u) << config.err;

  test::write_text(dir + "/typo-config.json", "{\"eval\": {\"squad\": {\"na-prob-thres\": 0.5}}}");
  const auto typo = run_frugal("--config " + dir + "/typo-config.json info");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("na-prob-thres"), std::string::npos) << typo.err;
}

TEST(Cli, V2MissingPredictionAndV11MessagesMatchTheOfficialScripts) {
  const auto dir = test::scratch_dir("cli");
  test::write_text(dir + "/empty.json", "{}");
  const auto v11 = run_frugal("eval squad " + v1() + " " + dir + "/empty.json");
  ASSERT_EQ(v11.exit_code, 0);
  EXPECT_EQ(v11.out, "{\"exact_match\": 0.0, \"f1\": 0.0}\n");
  EXPECT_EQ(std::count(v11.err.begin(), v11.err.end(), '\n'), 10570);  // one "Unanswered question" line each
  const auto v20 = run_frugal("eval squad " + v2() + " " + dir + "/empty.json");
  EXPECT_EQ(v20.exit_code, 2);
  EXPECT_NE(v20.err.find("no prediction for question"), std::string::npos);
}

TEST(Cli, DataVerifyAndPathUseTheMirror) {
  const auto home = test::scratch_dir("cli-home");
  const std::string env = "--home " + home + " --mirror " + test::mirror_dir() + " ";
  const auto verify = run_frugal(env + "data verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("all 33 files verified"), std::string::npos) << verify.out;
  const auto path = run_frugal(env + "data path squad-v1.1-dev dev-v1.1.json");
  ASSERT_EQ(path.exit_code, 0) << path.err;
  EXPECT_EQ(path.out, home + "/data/squad-v1.1-dev/dev-v1.1.json\n");
  const auto eval = run_frugal(env + "eval squad squad-v1.1-dev " + test::scratch_dir("p") + "/../" +
                               fs::path(path.out.substr(0, path.out.size() - 1)).filename().string());
  EXPECT_EQ(eval.exit_code, 2);  // that is not a predictions file path: a clear error, not a crash
}

TEST(Cli, SquadValidateReportsOffsetProblems) {
  const auto dir = test::scratch_dir("cli");
  test::write_text(dir + "/off.json",
                   "{\"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\": \"caf\xc3\xa9 \xc3\xa9t\xc3\xa9\", "
                   "\"qas\": [{\"id\": \"a\", \"question\": \"?\", \"answers\": [{\"text\": \"\xc3\xa9t\xc3\xa9\", "
                   "\"answer_start\": 6}]}]}]}]}");
  const auto bad = run_frugal("squad validate " + dir + "/off.json");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("data[0].paragraphs[0].qas[0].answers[0]: answer_start 6"), std::string::npos) << bad.out;
  const auto good = run_frugal("squad validate " + v2());
  EXPECT_EQ(good.exit_code, 0);
  EXPECT_NE(good.out.find("11873 questions (5945 without answers)"), std::string::npos) << good.out;
}

}  // namespace frugal

namespace frugal {

TEST(Cli, MaskWritesRoundsAndDoesNotDependOnThreads) {
  const auto dir = test::scratch_dir("mask");
  const std::string base = "mask --tokenizer " + test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt --input " +
                           test::mirror_dir() + "/sst2/dev.tsv --seed 3 ";
  for (const char* mode : {"--mode words --words 1,2", "--mode mlm --rounds 2"}) {
    const auto one = test::run_frugal(base + mode + " --threads 1 --output " + dir + "/one.jsonl");
    const auto two = test::run_frugal(base + mode + " --threads 2 --output " + dir + "/two.jsonl");
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    const std::string a = read_file(dir + "/one.jsonl"), b = read_file(dir + "/two.jsonl");
    EXPECT_EQ(a, b) << mode;
    const auto rows = std::count(a.begin(), a.end(), '\n');
    EXPECT_EQ(rows, std::string(mode).find("words") != std::string::npos ? 3 * 872 : 2 * 872) << mode;
    EXPECT_EQ(a.rfind("{\"ids\":[101,", 0), 0u);
    EXPECT_NE(a.find("\"source\":2,\"round\":0}"), std::string::npos);  // line 1 is the header
  }
  const auto no_seed = test::run_frugal("mask --tokenizer " + test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt --input " +
                                        test::mirror_dir() + "/sst2/dev.tsv --mode words --output " + dir + "/x.jsonl");
  EXPECT_EQ(no_seed.exit_code, 2);
  EXPECT_NE(no_seed.err.find("--seed is required"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir + "/x.jsonl"));
}

}  // namespace frugal
