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

/// 1 when the kernels use AVX-512 (F, DQ and VL) on this machine, else 0. The environment
/// variable BRANCHSIM_NO_SIMD (any value) forces the scalar loop.
int bs_collect_priorities_simd(void);

/// Puts the min(k, n) smallest values of p[0..<n] first, in ascending order, with a bitonic
/// sorting network in AVX-512 registers, and returns 1; returns 0 and leaves `p` alone when
/// the processor lacks AVX-512 (or BRANCHSIM_NO_SIMD is set), when n > 128, or when n > 64
/// and k > 64 (the caller sorts another way). When n <= 64 all of p[0..<n] comes out sorted;
/// when n > 64, p[0..<64] holds the 64 smallest, sorted, and p[64..<n] is left as it was
/// (so values may then appear twice). The first min(k, n) values are those of any sort.
int bs_sort_smallest(uint64_t *p, size_t n, size_t k);

/// Keyed draws eight customers at a time (AVX-512; each returns how many values it handled,
/// a multiple of 8 from the start, 0 without AVX-512 or with BRANCHSIM_NO_SIMD; the caller
/// does the rest). Each gives bit for bit what the engine's Swift code gives for one customer.

/// Starting customers of one (branch, tier) with the default log-uniform law: for
/// i in 0..<n, keys[i] = mix(branch_base, first + i) and
///   out[i] = min(max(exp(log_low + log_span * unit(mix(keys[i], 1))), low, 0), high_clip)
/// with `exp` as FastMath.exp computes it from `exp_table` (FastMath.exp2Table). Stops
/// early at a vector whose exponent falls outside (-700, 700).
size_t bs_log_uniform_balances(uint64_t branch_base, uint64_t first, size_t n, double log_low, double log_span,
                               double low, double high_clip, const double *exp_table, uint64_t *keys, double *out);

/// out[i] = unit(finalize(mix(keys[i], tag))) < p, as 0 or 1 (a Swift Bool).
size_t bs_keyed_below(const uint64_t *keys, size_t n, uint64_t tag, double p, uint8_t *out);

/// A funnel stage: keeps, in order and in place, the (ids[i], bases[i]) whose draw
/// unit(finalize(mix(bases[i], stage_key))) is below p, over the handled values; *kept is
/// how many were kept. Positions from *kept up to the handled count may be overwritten.
size_t bs_stage_filter(int32_t *ids, uint64_t *bases, size_t n, uint64_t stage_key, double p, size_t *kept);

#endif
