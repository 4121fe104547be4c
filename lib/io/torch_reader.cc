#include "io/torch_reader.h"

#include <torch/serialize.h>

#include <cstring>
#include <fstream>

#include "core/errors.h"
#include "io/embedding_rows.h"

namespace wb {
namespace {

bool is_table(const at::Tensor& tensor) {
  return tensor.dim() == 2 && at::isFloatingType(tensor.scalar_type());
}

// LibTorch's messages run to a C++ stack trace; the first line says it.
std::string first_line(const char* text) {
  const std::string message(text);
  return message.substr(0, message.find('\n'));
}

// The tensor itself, or the one table in a dict (a state_dict).
at::Tensor embedding_table(const c10::IValue& value, const std::string& path) {
  const std::string how_to_save =
      "save the table itself: torch.save(model.embedding.weight.detach().cpu(), path)";
  if (value.isTensor()) {
    const at::Tensor tensor = value.toTensor();
    if (!is_table(tensor)) {
      throw DataError(located(path, 0,
                              "holds a tensor of shape " + c10::str(tensor.sizes()) + " and type " +
                                  std::string(c10::toString(tensor.scalar_type())) +
                                  "; a floating matrix of one row per node is read"));
    }
    return tensor;
  }
  if (!value.isGenericDict()) {
    throw DataError(
        located(path, 0, "holds a " + value.tagKind() + ", not a tensor: " + how_to_save));
  }
  std::vector<std::string> keys;
  at::Tensor found;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.value().isTensor() || !is_table(entry.value().toTensor())) continue;
    keys.push_back(entry.key().isString() ? entry.key().toStringRef() : entry.key().tagKind());
    found = entry.value().toTensor();
  }
  if (keys.size() == 1) return found;
  if (keys.empty()) {
    throw DataError(located(path, 0, "holds a dict without a 2-D floating tensor: " + how_to_save));
  }
  std::string listed;
  for (size_t i = 0; i < keys.size() && i < 6; ++i) listed += (i ? ", " : "") + keys[i];
  if (keys.size() > 6) listed += ", ...";
  throw DataError(located(path, 0,
                          "holds " + std::to_string(keys.size()) + " 2-D tensors (" + listed +
                              ") and which is the embedding cannot be told: " + how_to_save));
}

// The file's object; its bytes are freed on return, before the table is
// copied out, so a large file is held twice at most, not three times.
c10::IValue unpickle_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw DataError(located(path, 0, "cannot open"));
  std::vector<char> bytes(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    throw DataError(located(path, 0, "read error"));
  }
  try {
    return torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    // LibTorch's unpickler takes tensors, lists and dicts, not the
    // OrderedDict with metadata that state_dict() returns.
    throw DataError(located(path, 0,
                            "cannot read as a torch.save file (" +
                                first_line(e.what_without_backtrace()) +
                                "): a tensor or a dict of tensors is read; for a module's "
                                "state_dict, save dict(model.state_dict())"));
  }
}

}  // namespace

Matrix read_torch_embeddings(const EmbeddingsFile& file, const std::vector<std::string>& node_ids,
                             int64_t dimension, EmbeddingsReadStats* stats) {
  if (file.ids_path.empty()) {
    throw DataError(located(file.path, 0,
                            "a torch.save file names no nodes: set train.embeddings_ids to a file "
                            "with the node id of each row, one per line"));
  }
  const at::Tensor table =
      embedding_table(unpickle_file(file.path), file.path).to(at::kFloat).contiguous();
  const int64_t rows = table.size(0);
  const int64_t cols = table.size(1);
  if (cols != dimension) {
    throw DataError(located(file.path, 0,
                            "the tensor's rows have " + std::to_string(cols) +
                                " values; train.dimension is " + std::to_string(dimension) +
                                ": set train.dimension = " + std::to_string(cols)));
  }
  const float* values = table.const_data_ptr<float>();
  RowPlacer placer(node_ids, dimension);
  RowIds ids(file.ids_path, file.path, rows);
  for (int64_t r = 0; r < rows; ++r) {
    const std::string& id = ids.next(r);
    const float* source = values + r * cols;
    check_finite_row(source, cols, file.path, r, id);
    std::memcpy(placer.row_for(id, file.ids_path, ids.line()), source,
                sizeof(float) * static_cast<size_t>(cols));
  }
  ids.finish();
  return placer.finish(file.path, stats);
}

}  // namespace wb
