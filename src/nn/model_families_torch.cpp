// The one list of model families. A new family adds its header and one line here.
#include <string>

#include "core/error.h"
#include "nn/bert_family_torch.h"
#include "nn/byol_family_torch.h"
#include "nn/cnn_family_torch.h"
#include "nn/electra_family_torch.h"
#include "nn/gpt2_family_torch.h"
#include "nn/model_family_torch.h"
#include "nn/resnetv2_family_torch.h"
#include "nn/rnn_family_torch.h"

namespace frugal {

const std::vector<ModelFamily>& model_families() {
  static const std::vector<ModelFamily> families = {bert_family(), gpt2_family(), rnn_family(),
                                                     cnn_family(), resnetv2_family(), byol_family(),
                                                     electra_family()};
  return families;
}

const ModelFamily& family_of(const Architecture& architecture, const std::string& where) {
  std::string known;
  for (const auto& family : model_families()) {
    for (const auto& name : family.architectures) {
      if (name == architecture) return family;
      known += (known.empty() ? "" : ", ") + name;
    }
  }
  throw InputError(InputLocation{where, 0, 0, "architectures"},
                   "unsupported architecture '" + architecture + "' (supported: " + known + ")");
}

Architecture architecture_for_head(const std::string& family_name, const std::string& head) {
  std::string known;
  for (const auto& family : model_families()) {
    if (family.name == family_name && head.empty() && !family.heads.empty()) return family.heads.front().second;
    std::string heads;
    for (const auto& [short_name, arch] : family.heads) {
      if (family.name == family_name && short_name == head) return arch;
      heads += (heads.empty() ? "" : ", ") + short_name;
    }
    known += (known.empty() ? "" : "; ") + family.name + ": " + heads;
  }
  throw InputError("--arch " + family_name + " --head " + (head.empty() ? "(default)" : head) + " is not a model (" + known + ")");
}

}  // namespace frugal
