#pragma once
// A test kernel for the fused trainers' rounding to bf16/fp16 (sgns_cuda_rows.cuh).
#include <string>

namespace wb::test {

// `values` lanes each start at `start` in the storage type ("bf16" or "fp16")
// and add `increment` `steps` times, rounding to storage after every add;
// returns the mean final value, read back in fp32.
double accumulate_in_storage(const std::string& storage, bool stochastic, float start,
                             float increment, int steps, int values);

}  // namespace wb::test
