#ifndef BRANCHSIM_KERNELS_H
#define BRANCHSIM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Contact-selection priorities, the engine's hottest loop. For i in 0..<n it forms
///   v = (finalize(keys[i] + add) & 0xFFFFFFFF00000000) | (uint32_t)ids[i]
/// (finalize: the SplitMix64 output function) and appends v to `out` when v < threshold.
/// Returns how many values it appended. `out` must have room for n values (the vector loop
/// stores whole vectors at the current end, never past out + n).
/// Uses AVX-512 when the processor has it, else a scalar loop; both give the same values
/// in the same order (integer arithmetic only).
size_t bs_collect_priorities(const uint64_t *keys, const int32_t *ids, size_t n,
                             uint64_t add, uint64_t threshold, uint64_t *out);

/// The scalar loop alone (tests compare it with the dispatched one).
size_t bs_collect_priorities_scalar(const uint64_t *keys, const int32_t *ids, size_t n,
                                    uint64_t add, uint64_t threshold, uint64_t *out);

/// 1 when `bs_collect_priorities` uses AVX-512 on this machine, else 0. The environment
/// variable BRANCHSIM_NO_SIMD (any value) forces the scalar loop.
int bs_collect_priorities_simd(void);

#endif
