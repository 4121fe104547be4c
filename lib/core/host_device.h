#pragma once
// Marks small inline helpers (random numbers, alias draws, the training
// schedule) as callable from CUDA kernels too, so the CPU and GPU paths share
// one definition and can be compared draw for draw.
#if defined(__CUDACC__)
#define WB_HOST_DEVICE __host__ __device__
#else
#define WB_HOST_DEVICE
#endif
