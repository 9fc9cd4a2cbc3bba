// frugal data list | fetch NAME... | verify [NAME...] | path NAME [FILE]
#include <fmt/format.h>

#include <iostream>

#include "apps/cli/commands.h"
#include "core/error.h"
#include "data/text_corpus.h"
#include "core/error.h"

namespace frugal::cli {

void register_data_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* data = app.add_subcommand("data", "Registered data sets: list, fetch into the cache, verify, locate");
  data->require_subcommand(1);
  set_example(data, "  frugal --mirror ../shared/data data fetch squad-v1.1-dev");

  auto* list = data->add_subcommand("list", "List registered data sets and where each would come from");
  set_example(list, "  frugal --mirror ../shared/data data list");
  table.add(list, [&global] {
    const auto cache = global.data_cache();
    std::cout << fmt::format("{:<24} {:<8} {}\n", "NAME", "SOURCE", "DESCRIPTION");
    for (const auto& entry : cache.registry()) {
      // The weakest source over the entry's files: what a fetch would need.
      FileSource source = FileSource::Cache;
      for (const auto& file : entry.files) {
        const auto s = cache.locate(entry, file);
        if (static_cast<int>(s) > static_cast<int>(source)) source = s;
      }
      std::cout << fmt::format("{:<24} {:<8} {}\n", entry.name, to_string(source), entry.description);
    }
    std::cout << fmt::format("\ncache: {}\nmirror: {}\n", cache.home(), cache.mirror().empty() ? "(none)" : cache.mirror());
    return 0;
  });

  auto* fetch = data->add_subcommand("fetch", "Bring data sets into the cache, verifying every checksum");
  auto fetch_names = std::make_shared<std::vector<std::string>>();
  auto fetch_all = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  fetch->add_option("names", *fetch_names, "Data set names (see 'frugal data list')");
  fetch->add_flag("--all", *fetch_all, "Every registered data set");
  fetch->add_flag("--force", *force, "Fetch again even when cached");
  set_example(fetch, "  frugal --mirror ../shared/data data fetch squad-v1.1-dev sst2");
  table.add(fetch, [&global, fetch_names, fetch_all, force] {
    auto cache = global.data_cache();
    std::vector<std::string> names = *fetch_names;
    if (*fetch_all) {
      for (const auto& entry : cache.registry()) names.push_back(entry.name);
    }
    if (names.empty()) throw InputError("name a data set, or pass --all");
    for (const auto& name : names) {
      const std::string dir = cache.fetch(name, *force);  // before printing: a failure prints only the error
      std::cout << name << "\t" << dir << "\n";
    }
    return 0;
  });

  auto* verify = data->add_subcommand("verify", "Recompute checksums of data sets in the cache (else the mirror)");
  auto verify_names = std::make_shared<std::vector<std::string>>();
  verify->add_option("names", *verify_names, "Data set names (default: all registered)");
  set_example(verify, "  frugal --mirror ../shared/data data verify   (or FRUGAL_MIRROR=../shared/data frugal data verify)");
  table.add(verify, [&global, verify_names] {
    const auto cache = global.data_cache();
    std::vector<std::string> names = *verify_names;
    if (names.empty()) {
      for (const auto& entry : cache.registry()) names.push_back(entry.name);
    }
    std::size_t checked = 0, failed = 0;
    for (const auto& name : names) {
      for (const auto& check : cache.verify(name)) {
        ++checked;
        failed += !check.ok;
        std::cout << fmt::format("{:<8} {}/{} [{}] {}\n", check.ok ? "OK" : "FAILED", check.entry, check.file,
                                 to_string(check.source), check.ok ? check.path : check.problem);
      }
    }
    if (failed > 0) {
      throw InputError(fmt::format("{} of {} files failed verification", failed, checked));
    }
    std::cout << fmt::format("all {} files verified\n", checked);
    return 0;
  });

  auto* path = data->add_subcommand("path", "Print the cache directory of a data set (or one file), fetching it if needed");
  auto path_name = std::make_shared<std::string>();
  auto path_file = std::make_shared<std::string>();
  path->add_option("name", *path_name, "Data set name")->required();
  path->add_option("file", *path_file, "One file of the data set");
  set_example(path, "  frugal --mirror ../shared/data data path squad-v1.1-dev dev-v1.1.json");
  table.add(path, [&global, path_name, path_file] {
    auto cache = global.data_cache();
    std::cout << (path_file->empty() ? cache.fetch(*path_name) : cache.file_path(*path_name, *path_file)) << "\n";
    return 0;
  });

  auto* corpus = data->add_subcommand("corpus", "Build a plain-text pretraining corpus from Debian text packages and QA/SST-2 data");
  auto corpus_args = std::make_shared<TextCorpusOptions>();
  corpus->add_option("--source", corpus_args->sources,
                     "gcide, wordnet, fortunes, squad-v1.1-dev, squad-v2.0-dev, squadshifts-new-wiki, squadshifts-reddit, "
                     "squadshifts-amazon, tydiqa-goldp-en, newsqa-dev, sst2")
      ->required()
      ->delimiter(',');
  corpus->add_option("--out", corpus_args->out, "Corpus text file (a blank line between documents)")->required();
  corpus->add_option("--held-out", corpus_args->held_out, "Held-out text file");
  corpus->add_option("--held-out-every", corpus_args->held_out_every, "Every N-th document of each source goes to --held-out");
  corpus->add_option("--max-documents", corpus_args->max_documents, "At most this many documents per source (0: all)");
  set_example(corpus, "  frugal --mirror ../shared/data data corpus --source gcide,wordnet,squad-v1.1-dev \\\n"
                      "      --out general.txt --held-out general-held.txt --held-out-every 50");
  table.add(corpus, [corpus_args, &global] {
    if (!corpus_args->held_out.empty() && corpus_args->held_out_every == 0) throw InputError("--held-out needs --held-out-every");
    auto cache = global.data_cache();
    const auto stats = build_text_corpus(*corpus_args, cache);
    std::cout << fmt::format("{:<22} {:>10} {:>10} {:>12} {:>9}\n", "SOURCE", "DOCUMENTS", "LINES", "BYTES", "HELD-OUT");
    for (const auto& s : stats) {
      std::cout << fmt::format("{:<22} {:>10} {:>10} {:>12} {:>9}\n", s.source, s.documents, s.lines, s.bytes, s.held_out_documents);
    }
    return 0;
  });
}

}  // namespace frugal::cli
