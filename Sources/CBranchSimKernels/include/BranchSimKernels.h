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

/// Puts the min(k, n) smallest values of p[0..<n] first, in ascending order, with a bitonic
/// sorting network in AVX-512 registers, and returns 1; returns 0 and leaves `p` alone when
/// the processor lacks AVX-512 (or BRANCHSIM_NO_SIMD is set), when n > 128, or when n > 64
/// and k > 64 (the caller sorts another way). When n <= 64 all of p[0..<n] comes out sorted;
/// when n > 64, p[0..<64] holds the 64 smallest, sorted, and p[64..<n] is left as it was
/// (so values may then appear twice). The first min(k, n) values are those of any sort.
int bs_sort_smallest(uint64_t *p, size_t n, size_t k);

#endif
