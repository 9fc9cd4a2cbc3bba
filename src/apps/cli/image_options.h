#pragma once
// What `image train | eval | predict` and `byol pretrain` share: reading DATA through the
// data cache, the augmentation (a preset and a JSON file of overrides), per-dataset
// normalisation, and mapping a set's labels onto a model's.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/cli/commands.h"
#include "data/image_set.h"
#include "data/image_transform.h"

namespace frugal::cli {

struct AugmentArgs {
  std::string preset = "none", config;  // config: a JSON file of AugmentOptions fields
};

// --augment PRESET and --augment-config FILE; `preset_help` says what the default means.
void add_augment_options(CLI::App* cmd, AugmentArgs& a, const std::string& preset_help);
// The preset ("auto": digits for grey images, natural for colour) with the file's overrides.
AugmentOptions augment_from(const AugmentArgs& a, const ImageSet& set);

// DATA (NAME:SPLIT, IMAGES,LABELS, IMAGES or a folder) through the global data cache; A+B+...
// joins sets (labelled alike).
ImageSet load_images(const std::string& spec, ImageLabels need, const GlobalOptions& global);

// --normalize model (the config's image_mean / image_std) | dataset (the set's own statistics).
ImageInputSpec normalised_for(const ImageInputSpec& spec, const ImageSet& set, const std::string& mode);

// Label ids of `set` in a model's id2label: folder classes by name through label2id, IDX labels
// as they are (below num_labels). InputError naming the data for a label the model lacks.
std::vector<std::int64_t> labels_for_model(const ImageSet& set, const nlohmann::json& config, const std::string& model_dir);

// id2label of a new model for `set`: its class names, or "0".."K-1" for K = the largest label + 1.
std::vector<std::string> label_names_of(const ImageSet& set);

}  // namespace frugal::cli
