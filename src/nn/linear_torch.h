#pragma once
// frugal's Linear layer: torch::nn::Linear (same parameters, names, initialisation and fp32/
// half forward) that can also run as a dynamically quantized int8 layer, as PyTorch's
// quantize_dynamic makes one: weights quantized once (per tensor, symmetric, qint8, the
// default observer's scale), activations quantized per call with reduce_range, fp32 output.
// Model families build their Linear layers from this type so `--precision int8` reaches them all.
#include <torch/torch.h>

#include <functional>
#include <memory>

struct LinearPackedParamsBase;  // ATen/native/quantized/PackedParams.h

namespace frugal {

struct PackedInt8Linear;  // the quantized engine's packed weight (nn/linear_torch.cpp)

// A layer y = x W^T + b that can switch to int8: frugal::Linear, GPT-2's Conv1D.
class Int8Quantizable {
 public:
  virtual ~Int8Quantizable() = default;
  // Packs the current fp32 weight for int8 inference; the fp32 parameters stay (for saving).
  virtual void quantize_int8() = 0;
  void dequantize() { packed_.reset(); }
  bool quantized() const { return packed_ != nullptr; }

 protected:
  std::shared_ptr<PackedInt8Linear> packed_;
};

// Sequence-wise products (serving's dynamic batches): while a scope is alive on this thread,
// every Int8Quantizable layer multiplies each sequence of its input (dimension 0) alone, and so
// do attention's products (matmul_per_sequence: torch::matmul folds a batch of B sequences x
// heads into one bmm whose path, and bits, follow B). BLAS
// blocks and rounds a product by its row count and a row's position in it
// (nn/fixed_shape_batches.h), and int8 quantizes activations with one scale per call: so a
// batch's rows would differ in the last bits from the same rows run alone. Split, each
// sequence's product is the very one a batch of one computes, whatever else shares the batch;
// the rest of the forward (norms, softmax, activations, embeddings) is row-wise already.
// Costs the larger product's efficiency, not the batching of everything else.
class SequenceWiseProducts {
 public:
  SequenceWiseProducts();
  ~SequenceWiseProducts();
  SequenceWiseProducts(const SequenceWiseProducts&) = delete;
  SequenceWiseProducts& operator=(const SequenceWiseProducts&) = delete;
  static bool active();

 private:
  bool previous_;
};

// multiply(x) on the whole input, or sequence by sequence (slices of one along dimension 0,
// concatenated) while SequenceWiseProducts is active.
torch::Tensor multiply_per_sequence(const torch::Tensor& x, const std::function<torch::Tensor(const torch::Tensor&)>& multiply);
// torch::matmul(a, b) for (batch, ...) operands, sequence by sequence while the scope is active.
torch::Tensor matmul_per_sequence(const torch::Tensor& a, const torch::Tensor& b);
// F::linear(x, weight, bias) for weights that are no Linear layer (tied output embeddings, a
// layer's slice), sequence by sequence while the scope is active.
torch::Tensor linear_per_sequence(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});

class LinearImpl : public torch::nn::LinearImpl, public Int8Quantizable {
 public:
  using torch::nn::LinearImpl::LinearImpl;
  torch::Tensor forward(const torch::Tensor& input);
  void quantize_int8() override;
};
TORCH_MODULE(Linear);

// Quantizes every Int8Quantizable layer under `module`; returns how many. InputError when this
// libtorch has no quantized engine.
std::size_t quantize_linear_layers(torch::nn::Module& module);

// The quantized engine that int8 layers use ("fbgemm", "onednn", "qnnpack"), chosen once:
// the best one this libtorch has; empty when it has none.
std::string quantized_engine();

// PyTorch's default dynamic-quantization weight (MinMaxObserver, qint8, per-tensor symmetric).
torch::Tensor quantize_weight_int8(const torch::Tensor& weight);
// An int8 dynamic linear layer's forward on a packed (weight, bias); x of any leading shape.
torch::Tensor int8_linear(const torch::Tensor& x, const PackedInt8Linear& packed);
// weight (out, in) as torch's Linear holds it.
std::shared_ptr<PackedInt8Linear> pack_int8_linear(const torch::Tensor& weight, const torch::Tensor& bias);
// The engine's packed parameters, as quantized::linear_dynamic takes them (a TorchScript graph's constant).
c10::intrusive_ptr<LinearPackedParamsBase> packed_params_of(const PackedInt8Linear& packed);

}  // namespace frugal
