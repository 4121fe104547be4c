// The fused trainer on CUDA: walks, tables and the negative table live on the
// GPU for the whole run; each epoch is a few kernel launches over chunks of
// walks (sgns_cuda_kernels.cu), between which the host reads the loss,
// reports progress and notices Ctrl-C.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "cuda/cuda_support.h"
#include "train/initialization.h"
#include "train/negative_sampler.h"
#include "train/sgns_cuda.h"
#include "train/trainer.h"

namespace wb {
namespace {

// Chunks per epoch: enough loss points and progress updates, few enough
// launches that the GPU stays busy.
constexpr int64_t kChunksPerEpoch = 8;
constexpr int64_t kMinWalksPerChunk = 1 << 16;
// At most one warp per this many nodes: on the 500K-node graph the cap lies
// far above the resident warps; on a 4K-node graph it keeps collisions rare.
constexpr int64_t kNodesPerWarp = 16;

SgnsStorage storage_of(const std::string& name) {
  if (name == "bf16") return SgnsStorage::kBf16;
  if (name == "fp16") return SgnsStorage::kFp16;
  return SgnsStorage::kFp32;
}

size_t element_bytes(SgnsStorage storage) { return storage == SgnsStorage::kFp32 ? 4 : 2; }

// A table in the storage type, from fp32 host values (rounded to nearest).
void upload_half_table(const std::vector<float>& values, SgnsStorage storage,
                       DeviceBuffer<uint16_t>& table) {
  std::vector<uint16_t> bits(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (storage == SgnsStorage::kBf16) {
      const __nv_bfloat16 h = __float2bfloat16_rn(values[i]);
      bits[i] = *reinterpret_cast<const uint16_t*>(&h);
    } else {
      const __half h = __float2half_rn(values[i]);
      bits[i] = *reinterpret_cast<const uint16_t*>(&h);
    }
  }
  table.upload(bits);
}

std::vector<float> from_half_table(const DeviceBuffer<uint16_t>& table, SgnsStorage storage) {
  std::vector<uint16_t> bits(table.size());
  table.download(bits.data(), bits.size());
  std::vector<float> values(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    if (storage == SgnsStorage::kBf16) {
      values[i] = __bfloat162float(*reinterpret_cast<const __nv_bfloat16*>(&bits[i]));
    } else {
      values[i] = __half2float(*reinterpret_cast<const __half*>(&bits[i]));
    }
  }
  return values;
}

class FusedCudaTrainer : public Trainer {
 public:
  Matrix train(const Walks& walks, int64_t num_nodes, const TrainOptions& options,
               Recorder& recorder, const Progress& progress, TrainSummary& summary) override {
    const TrainSection& s = options.settings;
    require_cuda_device("train.trainer = \"fused\" on experiment.device = \"cuda\"");
    require_stored_walks(walks, "the fused CUDA trainer");
    if (s.dimension > kSgnsCudaMaxDimension) {
      throw ConfigError("train.dimension = " + std::to_string(s.dimension) +
                        ": the fused CUDA trainer holds rows in registers and supports up to " +
                        std::to_string(kSgnsCudaMaxDimension));
    }
    const SgnsStorage storage = storage_of(s.storage);
    const double table_bytes = 2.0 * num_nodes * s.dimension * element_bytes(storage);
    require_device_memory(table_bytes + 4.0 * walks.nodes.size() + 8.0 * num_nodes,
                          "training " + std::to_string(num_nodes) + " x " +
                              std::to_string(s.dimension) + " " + s.storage + " tables");

    auto negative_sampler = make_negative_sampler(s.negative_sampler);
    negative_sampler->prepare(walks, num_nodes, s.negative_exponent);
    const NegativeTable host_table = negative_sampler->table();
    DeviceBuffer<float> negative_probability;
    DeviceBuffer<int32_t> negative_alias;
    negative_probability.upload(host_table.probability, static_cast<size_t>(host_table.size));
    negative_alias.upload(host_table.alias, static_cast<size_t>(host_table.size));
    const NodeSubsampler subsampler = make_node_subsampler(walks, num_nodes, s, recorder);
    DeviceBuffer<int32_t> device_walks(walks.nodes.size());

    Matrix initial = initial_input_embeddings(num_nodes, s.dimension, options.seed);
    Matrix initial_output(num_nodes, s.dimension);  // zeros: +0.0 in bf16 and fp16 alike
    const CheckpointKey key{"fused-cuda-" + s.storage, num_nodes, s.dimension, options.seed};
    const int64_t first_epoch =
        resume_from_checkpoint(options, key, initial, initial_output, recorder);
    DeviceBuffer<float> input32, output32;
    DeviceBuffer<uint16_t> input16, output16;
    if (storage == SgnsStorage::kFp32) {
      input32.upload(initial.values);
      output32.upload(initial_output.values);
    } else {
      upload_half_table(initial.values, storage, input16);
      upload_half_table(initial_output.values, storage, output16);
    }
    // Both tables back in fp32, for checkpoints and the result.
    auto download = [&](bool output_table) {
      Matrix table(num_nodes, s.dimension);
      if (storage == SgnsStorage::kFp32) {
        (output_table ? output32 : input32).download(table.values.data(), table.values.size());
      } else {
        table.values = from_half_table(output_table ? output16 : input16, storage);
      }
      return table;
    };
    auto checkpoint = [&](int64_t epochs_done) {
      save_checkpoint(options.checkpoint.path, key,
                      {epochs_done, download(false), download(true), {}});
    };
    DeviceBuffer<double> loss_sum(1);
    DeviceBuffer<unsigned long long> counters(2);  // sampled pairs, pairs

    SgnsLaunch launch;
    launch.walks = device_walks.data();
    launch.walk_length = walks.walk_length;
    launch.num_walks = walks.num_walks;
    launch.input = storage == SgnsStorage::kFp32 ? static_cast<void*>(input32.data())
                                                 : static_cast<void*>(input16.data());
    launch.output = storage == SgnsStorage::kFp32 ? static_cast<void*>(output32.data())
                                                  : static_cast<void*>(output16.data());
    launch.dimension = static_cast<int>(s.dimension);
    launch.negatives = {host_table.size ? negative_probability.data() : nullptr,
                        host_table.size ? negative_alias.data() : nullptr, host_table.size,
                        num_nodes};
    launch.window = static_cast<int>(s.window);
    launch.dynamic_window = s.dynamic_window;
    launch.num_negatives = static_cast<int>(s.negatives);
    launch.share_negatives = s.negative_sharing == "window";
    launch.stochastic_rounding = s.stochastic_rounding;
    launch.schedule = {s.learning_rate, s.final_learning_rate_fraction, s.lr_schedule == "linear"};
    launch.walks_total = walks.num_walks * s.epochs;
    launch.seed = options.seed;
    launch.max_warps = std::max<int64_t>(1, num_nodes / kNodesPerWarp);
    // WB_SGNS_ATOMIC=1 adds fp32 updates in L2 instead of storing rows: 1.6x
    // faster with shared negatives on an H200, but on the 500K-node graph it
    // diverged within one epoch (thousands of warps push a popular row by
    // gradients computed from the same stale value), so plain Hogwild stores,
    // which lose such collisions instead, stay the default.
    const char* atomic = std::getenv("WB_SGNS_ATOMIC");
    launch.atomic_updates = atomic != nullptr && std::string(atomic) == "1";
    launch.loss_sum = loss_sum.data();
    launch.loss_pairs = counters.data();
    launch.pairs = counters.data() + 1;

    const int64_t tokens_per_epoch = walks.tokens();
    const double tokens_per_walk = static_cast<double>(tokens_per_epoch) / walks.num_walks;
    const int64_t chunk = std::max(kMinWalksPerChunk, walks.num_walks / kChunksPerEpoch);
    WB_CUDA_CHECK(cudaDeviceSynchronize());
    const auto started = std::chrono::steady_clock::now();
    double last_lr = s.learning_rate;
    bool kernel_recorded = false;
    for (int64_t epoch = first_epoch; epoch < s.epochs; ++epoch) {
      launch.epoch = epoch;
      launch.order = make_walk_permutation(walks.num_walks, options.seed, epoch);
      // Sub-sampled on the host, drawn again each epoch with the CPU trainer's
      // streams, so both train the same kept walks.
      if (subsampler.enabled() || epoch == first_epoch) {
        Walks kept;
        const auto& nodes = subsampler.epoch_walks(walks, options.seed, epoch, kept).nodes;
        WB_CUDA_CHECK(cudaMemcpy(device_walks.data(), nodes.data(), nodes.size() * sizeof(int32_t),
                                 cudaMemcpyHostToDevice));
      }
      for (int64_t first = 0; first < walks.num_walks; first += chunk) {
        if (progress.stopping()) {
          // Between launches the tables are consistent; this epoch is not done.
          if (options.checkpoint.enabled()) checkpoint(epoch);
          throw Interrupted();
        }
        launch.first_slot = first;
        launch.end_slot = std::min(walks.num_walks, first + chunk);
        loss_sum.zero();
        counters.zero();
        const SgnsKernelInfo kernel = launch_sgns(launch, storage, s.deterministic);
        if (!kernel_recorded) {
          // Which kernel trained, and the occupancy that bounds its bytes in flight.
          recorder.score("train/cuda_async_kernel", kernel.async ? 1 : 0);
          recorder.score("train/cuda_registers_per_thread", kernel.registers);
          recorder.score("train/cuda_warps_per_sm", kernel.warps_per_sm);
          recorder.score("train/cuda_rows_in_flight_per_warp", kernel.rows_in_flight);
          kernel_recorded = true;
        }
        double loss = 0;
        unsigned long long counts[2] = {0, 0};
        loss_sum.download(&loss, 1);  // synchronises with the kernel
        counters.download(counts, 2);
        summary.pairs += static_cast<int64_t>(counts[1]);
        last_lr = launch.schedule.at(epoch * walks.num_walks + launch.end_slot, launch.walks_total);
        if (counts[0] > 0) {
          const double mean = loss / static_cast<double>(counts[0]);
          const int64_t step = summary.pairs / s.batch_size;
          throw_if_diverged(mean, s.negatives, step);
          recorder.metric("train/loss", step, mean);
          recorder.metric("train/learning_rate", step, last_lr);
          summary.final_loss = mean;
        }
        progress.update(
            "train",
            static_cast<int64_t>((epoch * walks.num_walks + launch.end_slot) * tokens_per_walk),
            tokens_per_epoch * s.epochs);
      }
      if (options.checkpoint.due_after(epoch)) checkpoint(epoch + 1);
    }
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary.steps = summary.pairs / s.batch_size;

    return download(false);
  }
};

}  // namespace

std::unique_ptr<Trainer> make_fused_cuda_trainer() { return std::make_unique<FusedCudaTrainer>(); }

}  // namespace wb
