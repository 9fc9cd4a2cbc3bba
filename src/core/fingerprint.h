#pragma once
// What a resumed run or a reused stage file must share with the run that made it: the command's
// effective options (its --dump-config JSON) without those that may change between runs (how
// long to train, how often to save, threads, progress), and for every option naming an existing
// file, that file's size and modification time instead of its name alone.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace frugal {

// {"path", "bytes", "mtime_ns"} of a regular file; a directory or a missing path: just the path.
nlohmann::json file_identity(const std::string& path);

// The innermost command object of a --dump-config JSON (e.g. pretrain.mlm), without the keys in
// `free_keys`; string values naming files become file_identity().
nlohmann::json command_fingerprint(const nlohmann::json& config, const std::set<std::string>& free_keys);

// "" when equal; else one line naming the first differing keys and both values.
std::string fingerprint_mismatch(const nlohmann::json& recorded, const nlohmann::json& current);

// InputError "FILE: was made by another run (MISMATCH); REMEDY" unless they match; a null
// `recorded` (written before fingerprints existed) passes.
void check_fingerprint(const std::string& file, const nlohmann::json& recorded, const nlohmann::json& current,
                       const std::string& remedy);

}  // namespace frugal
