#include "BranchSimKernels.h"

#include <stdlib.h>

/* Double arithmetic here must round exactly as the engine's Swift code does: no fused
   multiply-adds (Swift never contracts; C compilers may, where the target has FMA). */
#pragma clang fp contract(off)

static inline uint64_t bs_finalize(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

size_t bs_collect_priorities_scalar(const uint64_t *keys, const int32_t *ids, size_t n,
                                    uint64_t add, uint64_t threshold, uint64_t *out) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = (bs_finalize(keys[i] + add) & 0xFFFFFFFF00000000ULL) | (uint64_t)(uint32_t)ids[i];
        out[m] = v;            // written always, kept when below the threshold: no branch
        m += v < threshold;
    }
    return m;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

/* Every AVX-512 function needs F, DQ (64-bit multiplies and conversions) and VL (the
   256-bit compress); `bs_simd_level` checks all three. */
#define T512 __attribute__((target("avx512f,avx512dq,avx512vl"), always_inline)) static inline
#define T512N __attribute__((target("avx512f,avx512dq,avx512vl"))) static

/* RandomKey.finalize on eight lanes. */
T512 __m512i bs_finalize8(__m512i z) {
    const __m512i m1 = _mm512_set1_epi64((long long)0xBF58476D1CE4E5B9ULL);
    const __m512i m2 = _mm512_set1_epi64((long long)0x94D049BB133111EBULL);
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1);
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

T512N size_t bs_collect_priorities_avx512(const uint64_t *keys, const int32_t *ids, size_t n,
                                           uint64_t add, uint64_t threshold, uint64_t *out) {
    const __m512i vadd = _mm512_set1_epi64((long long)add);
    const __m512i high = _mm512_set1_epi64((long long)0xFFFFFFFF00000000ULL);
    const __m512i limit = _mm512_set1_epi64((long long)threshold);
    size_t m = 0, i = 0;
    if (threshold < (uint64_t)1 << 57) {
        // Under 0.8% of the values pass: most vectors keep nothing, so the customer numbers
        // are loaded and the vector stored only when the hash alone (its high half, which
        // decides the comparison but for ties with the threshold's high half) passes.
        for (; i + 8 <= n; i += 8) {
            __m512i z = _mm512_and_si512(bs_finalize8(_mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i)), vadd)), high);
            if (_mm512_cmplt_epu64_mask(z, limit) == 0) continue;  // then h | id >= h >= limit
            __m512i id = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i)));
            __m512i v = _mm512_or_si512(z, id);
            __mmask8 keep = _mm512_cmplt_epu64_mask(v, limit);
            _mm512_storeu_si512((void *)(out + m), _mm512_maskz_compress_epi64(keep, v));
            m += (size_t)__builtin_popcount((unsigned)keep);
        }
        return m + bs_collect_priorities_scalar(keys + i, ids + i, n - i, add, threshold, out + m);
    }
    // Two vectors an iteration: their hashes (two dependent 64-bit multiplies each) overlap.
    for (; i + 16 <= n; i += 16) {
        __m512i z = bs_finalize8(_mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i)), vadd));
        __m512i y = bs_finalize8(_mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i + 8)), vadd));
        __m512i id = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i)));
        __m512i id2 = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i + 8)));
        __m512i v = _mm512_or_si512(_mm512_and_si512(z, high), id);
        __m512i w = _mm512_or_si512(_mm512_and_si512(y, high), id2);
        __mmask8 keep = _mm512_cmplt_epu64_mask(v, limit), keep2 = _mm512_cmplt_epu64_mask(w, limit);
        _mm512_storeu_si512((void *)(out + m), _mm512_maskz_compress_epi64(keep, v));
        m += (size_t)__builtin_popcount((unsigned)keep);
        _mm512_storeu_si512((void *)(out + m), _mm512_maskz_compress_epi64(keep2, w));
        m += (size_t)__builtin_popcount((unsigned)keep2);
    }
    for (; i + 8 <= n; i += 8) {
        __m512i z = bs_finalize8(_mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i)), vadd));
        __m512i id = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i)));
        __m512i v = _mm512_or_si512(_mm512_and_si512(z, high), id);
        __mmask8 keep = _mm512_cmplt_epu64_mask(v, limit);
        // Compressed in a register, then stored whole (the lanes past the kept ones are
        // overwritten later or ignored): a compress straight to memory is microcoded and
        // several times slower on Intel cores.
        _mm512_storeu_si512((void *)(out + m), _mm512_maskz_compress_epi64(keep, v));
        m += (size_t)__builtin_popcount((unsigned)keep);
    }
    return m + bs_collect_priorities_scalar(keys + i, ids + i, n - i, add, threshold, out + m);
}

/* ---- Sorting the selection's survivors: a bitonic network in AVX-512 registers ----
   Eight values a register. Every compare-exchange is an unsigned min and max, so the result
   is the one sorted order whatever the input (equal values included), with no branch on the
   data: the bucket sort's insertion pass mispredicts about once a value, this does not. */

/* One compare-exchange step inside a register: lane i meets lane perm[i]; the lanes in
   `upper` keep the larger value, the others the smaller. */
#define BS_STEP(v, perm, upper) do { \
        __m512i w_ = _mm512_permutexvar_epi64((perm), (v)); \
        (v) = _mm512_mask_max_epu64(_mm512_min_epu64((v), w_), (upper), (v), w_); \
    } while (0)

/* A bitonic register comes out ascending: half-cleaners at distances 4, 2 and 1. */
T512 __m512i bs_clean_in(__m512i v) {
    BS_STEP(v, _mm512_set_epi64(3, 2, 1, 0, 7, 6, 5, 4), 0xF0);
    BS_STEP(v, _mm512_set_epi64(5, 4, 7, 6, 1, 0, 3, 2), 0xCC);
    BS_STEP(v, _mm512_set_epi64(6, 7, 4, 5, 2, 3, 0, 1), 0xAA);
    return v;
}

/* Sorts one register: blocks of 2, 4 and 8, each merge starting with a flip (lane i against
   its mirror in the block), so no lanes need reversing first. */
T512 __m512i bs_sort_reg(__m512i v) {
    const __m512i d1 = _mm512_set_epi64(6, 7, 4, 5, 2, 3, 0, 1);
    const __m512i d2 = _mm512_set_epi64(5, 4, 7, 6, 1, 0, 3, 2);
    BS_STEP(v, d1, 0xAA);
    BS_STEP(v, _mm512_set_epi64(4, 5, 6, 7, 0, 1, 2, 3), 0xCC);   /* flip in blocks of 4 */
    BS_STEP(v, d1, 0xAA);
    BS_STEP(v, _mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7), 0xF0);   /* flip in the block of 8 */
    BS_STEP(v, d2, 0xCC);
    BS_STEP(v, d1, 0xAA);
    return v;
}

T512 __m512i bs_rev(__m512i v) { return _mm512_permutexvar_epi64(_mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7), v); }

/* r[0..<2m] holds two ascending runs of m registers (m a power of 2): merged ascending by
   reversing the second run (then the whole is bitonic) and half-cleaning at distances of
   m, m/2, ..., 1 registers, then inside each register. The loops unroll fully, so the
   registers stay registers. */
T512 void bs_merge(__m512i *r, int m) {
    if (m == 1) {
        r[1] = bs_rev(r[1]);
    } else {
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < m / 2; i++) {
            __m512i x = bs_rev(r[m + i]), y = bs_rev(r[2 * m - 1 - i]);
            r[m + i] = y;
            r[2 * m - 1 - i] = x;
        }
    }
    _Pragma("clang loop unroll(full)")
    for (int d = m; d >= 1; d /= 2) {
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < 2 * m; i++) {
            if ((i / d) % 2 == 0) {
                __m512i x = r[i], y = r[i + d];
                r[i] = _mm512_min_epu64(x, y);
                r[i + d] = _mm512_max_epu64(x, y);
            }
        }
    }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 2 * m; i++) r[i] = bs_clean_in(r[i]);
}

/* Loads p[0..<n] (n may exceed 8 or be below 1); lanes past n hold the maximum, which sorts last. */
T512 __m512i bs_load(const uint64_t *p, int n) {
    __mmask8 m = n >= 8 ? 0xFF : (__mmask8)((1u << (n > 0 ? n : 0)) - 1);
    return _mm512_mask_loadu_epi64(_mm512_set1_epi64(-1), m, p);
}

T512 void bs_store(uint64_t *p, int n, __m512i v) {
    if (n <= 0) return;
    __mmask8 m = n >= 8 ? 0xFF : (__mmask8)((1u << n) - 1);
    _mm512_mask_storeu_epi64(p, m, v);
}

/* Loads p[0..<n] into R registers (R a power of 2, 8 * R >= n) and sorts them. */
T512 void bs_sort_regs(__m512i *r, const uint64_t *p, int n, int R) {
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) r[i] = bs_sort_reg(bs_load(p + 8 * i, n - 8 * i));
    _Pragma("clang loop unroll(full)")
    for (int m = 1; m < R; m *= 2) {
        _Pragma("clang loop unroll(full)")
        for (int s = 0; s < R; s += 2 * m) bs_merge(r + s, m);
    }
}

/* Sorts p[0..<n] (1 <= n <= 64) into R registers, R the smallest power of 2 with 8 * R >= n. */
T512 int bs_sort_any(__m512i *r, const uint64_t *p, int n) {
    if (n <= 8) { bs_sort_regs(r, p, n, 1); return 1; }
    if (n <= 16) { bs_sort_regs(r, p, n, 2); return 2; }
    if (n <= 32) { bs_sort_regs(r, p, n, 4); return 4; }
    bs_sort_regs(r, p, n, 8);
    return 8;
}

/* 2 <= n <= 128: when n <= 64, p[0..<n] sorted; else p[0..<64] the 64 smallest, sorted. */
T512N void bs_sort_small(uint64_t *p, int n) {
    __m512i a[8], b[8];
    if (n <= 64) {
        int R = bs_sort_any(a, p, n);
        for (int i = 0; i < R; i++) bs_store(p + 8 * i, n - 8 * i, a[i]);
        return;
    }
    bs_sort_regs(a, p, 64, 8);
    int RB = bs_sort_any(b, p + 64, n - 64);
    /* The lower half of the merge of a with b (b padded to 8 registers of maximums): the
       first step of bs_merge, the min half only, then its half-cleaners. */
    for (int i = 8 - RB; i < 8; i++) a[i] = _mm512_min_epu64(a[i], bs_rev(b[7 - i]));
    for (int d = 4; d >= 1; d /= 2) {
        for (int i = 0; i < 8; i++) {
            if ((i / d) % 2 == 0) {
                __m512i x = a[i], y = a[i + d];
                a[i] = _mm512_min_epu64(x, y);
                a[i + d] = _mm512_max_epu64(x, y);
            }
        }
    }
    for (int i = 0; i < 8; i++) _mm512_storeu_si512(p + 8 * i, bs_clean_in(a[i]));
}

/* ---- Keyed draws eight customers at a time ----
   Each kernel computes exactly what the engine's Swift code computes for one customer (the
   same integer hashing, the same IEEE double operations in the same order, no fused
   multiply-adds: see the pragma at the top of the file), so a customer's values do not
   depend on which path made them. Each handles whole vectors and returns how many values it
   handled; the caller does the rest in Swift. */

#define BS_GOLDEN 0x9E3779B97F4A7C15ULL

/* RandomKey.unit: the top 53 bits as a double in [0, 1) (exact conversion). */
T512 __m512d bs_unit8(__m512i h) {
    return _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_srli_epi64(h, 11)), _mm512_set1_pd(0x1.0p-53));
}

/* FastMath.exp on the lanes, for arguments in (-700, 700) (the caller checks). */
T512 __m512d bs_exp8(__m512d x, const double *table) {
    const __m512d shifter = _mm512_set1_pd(0x1.8p52);
    __m512d biased = _mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(0x1.71547652b82fep+6)), shifter);
    __m512d kd = _mm512_sub_pd(biased, shifter);
    __m512d r = _mm512_sub_pd(_mm512_sub_pd(x, _mm512_mul_pd(kd, _mm512_set1_pd(0x1.62e42fee00000p-7))),
                              _mm512_mul_pd(kd, _mm512_set1_pd(0x1.a39ef35793c76p-39)));
    __m512d p = _mm512_add_pd(_mm512_set1_pd(1.0 / 24), _mm512_mul_pd(r, _mm512_set1_pd(1.0 / 120)));
    p = _mm512_add_pd(_mm512_set1_pd(1.0 / 6), _mm512_mul_pd(r, p));
    p = _mm512_add_pd(_mm512_set1_pd(0.5), _mm512_mul_pd(r, p));
    p = _mm512_add_pd(_mm512_set1_pd(1.0), _mm512_mul_pd(r, p));
    p = _mm512_add_pd(_mm512_set1_pd(1.0), _mm512_mul_pd(r, p));
    __m512i k = _mm512_sub_epi64(_mm512_castpd_si512(biased), _mm512_set1_epi64(0x4338000000000000LL));
    __m512i t = _mm512_i64gather_epi64(_mm512_and_si512(k, _mm512_set1_epi64(63)), (const void *)table, 8);
    __m512i scale = _mm512_add_epi64(t, _mm512_slli_epi64(_mm512_srai_epi64(k, 6), 52));
    return _mm512_mul_pd(_mm512_castsi512_pd(scale), p);
}

T512N size_t bs_log_uniform_avx512(uint64_t branch_base, uint64_t first, size_t n, double log_low, double log_span,
                                   double low, double high_clip, const double *table, uint64_t *keys, double *out) {
    const __m512i golden = _mm512_set1_epi64((long long)BS_GOLDEN);
    const __m512i lane = _mm512_set_epi64(8, 7, 6, 5, 4, 3, 2, 1);
    const __m512i balance_tag = _mm512_set1_epi64((long long)(2 * BS_GOLDEN));
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        /* key = mix(branchBase, first + i + lane) = finalize(branchBase + (first + i + lane + 1) * golden) */
        __m512i idx = _mm512_add_epi64(_mm512_set1_epi64((long long)(first + i)), lane);
        __m512i key = bs_finalize8(_mm512_add_epi64(_mm512_set1_epi64((long long)branch_base), _mm512_mullo_epi64(idx, golden)));
        /* r = mix(key, Purpose.balance = 1) */
        __m512d u = bs_unit8(bs_finalize8(_mm512_add_epi64(key, balance_tag)));
        __m512d arg = _mm512_add_pd(_mm512_set1_pd(log_low), _mm512_mul_pd(_mm512_set1_pd(log_span), u));
        __mmask8 inside = _mm512_cmp_pd_mask(arg, _mm512_set1_pd(-700.0), _CMP_GT_OQ)
                        & _mm512_cmp_pd_mask(arg, _mm512_set1_pd(700.0), _CMP_LT_OQ);
        if (inside != 0xFF) break;
        __m512d x = bs_exp8(arg, table);
        /* Swift's max(x, low, 0) and min(x, highClip): y >= x ? y : x, then y < x ? y : x. */
        x = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_set1_pd(low), x, _CMP_GE_OQ), x, _mm512_set1_pd(low));
        x = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_setzero_pd(), x, _CMP_GE_OQ), x, _mm512_setzero_pd());
        x = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_set1_pd(high_clip), x, _CMP_LT_OQ), x, _mm512_set1_pd(high_clip));
        _mm512_storeu_si512((void *)(keys + i), key);
        _mm512_storeu_pd(out + i, x);
    }
    return i;
}

T512N size_t bs_keyed_below_avx512(const uint64_t *keys, size_t n, uint64_t tag, double p, uint8_t *out) {
    const __m512i add = _mm512_set1_epi64((long long)((tag + 1) * BS_GOLDEN));
    const __m512d limit = _mm512_set1_pd(p);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i k = _mm512_loadu_si512((const void *)(keys + i));
        __m512d u = bs_unit8(bs_finalize8(bs_finalize8(_mm512_add_epi64(k, add))));
        __mmask8 below = _mm512_cmp_pd_mask(u, limit, _CMP_LT_OQ);
        /* one byte per lane, 0 or 1 */
        __m128i bytes = _mm512_cvtepi64_epi8(_mm512_maskz_set1_epi64(below, 1));
        _mm_storel_epi64((__m128i *)(void *)(out + i), bytes);
    }
    return i;
}

T512N size_t bs_stage_filter_avx512(int32_t *ids, uint64_t *bases, size_t n, uint64_t stage_key, double p,
                                    size_t *kept_out) {
    const __m512i add = _mm512_set1_epi64((long long)((stage_key + 1) * BS_GOLDEN));
    const __m512d limit = _mm512_set1_pd(p);
    size_t i = 0, kept = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i base = _mm512_loadu_si512((const void *)(bases + i));
        __m256i id = _mm256_loadu_si256((const __m256i *)(const void *)(ids + i));
        __m512d u = bs_unit8(bs_finalize8(bs_finalize8(_mm512_add_epi64(base, add))));
        __mmask8 keep = _mm512_cmp_pd_mask(u, limit, _CMP_LT_OQ);
        /* Compressed in registers and stored whole at the kept end, which is never past i:
           only values already loaded are overwritten. */
        _mm512_storeu_si512((void *)(bases + kept), _mm512_maskz_compress_epi64(keep, base));
        _mm256_storeu_si256((__m256i *)(void *)(ids + kept), _mm256_maskz_compress_epi32(keep, id));
        kept += (size_t)__builtin_popcount((unsigned)keep);
    }
    *kept_out = kept;
    return i;
}

static int bs_simd_level(void) {
    // Decided once; a race between threads only writes the same value twice.
    static volatile int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        int yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
                  && __builtin_cpu_supports("avx512vl");
        if (getenv("BRANCHSIM_NO_SIMD") != NULL) yes = 0;
        level = yes;
    }
    return level;
}

size_t bs_collect_priorities(const uint64_t *keys, const int32_t *ids, size_t n,
                             uint64_t add, uint64_t threshold, uint64_t *out) {
    if (n >= 16 && bs_simd_level()) return bs_collect_priorities_avx512(keys, ids, n, add, threshold, out);
    return bs_collect_priorities_scalar(keys, ids, n, add, threshold, out);
}

int bs_collect_priorities_simd(void) { return bs_simd_level(); }

int bs_sort_smallest(uint64_t *p, size_t n, size_t k) {
    if (n > 128 || (n > 64 && k > 64) || !bs_simd_level()) return 0;
    if (n > 1) bs_sort_small(p, (int)n);
    return 1;
}

size_t bs_log_uniform_balances(uint64_t branch_base, uint64_t first, size_t n, double log_low, double log_span,
                               double low, double high_clip, const double *exp_table, uint64_t *keys, double *out) {
    if (!bs_simd_level()) return 0;
    return bs_log_uniform_avx512(branch_base, first, n, log_low, log_span, low, high_clip, exp_table, keys, out);
}

size_t bs_keyed_below(const uint64_t *keys, size_t n, uint64_t tag, double p, uint8_t *out) {
    if (!bs_simd_level()) return 0;
    return bs_keyed_below_avx512(keys, n, tag, p, out);
}

size_t bs_stage_filter(int32_t *ids, uint64_t *bases, size_t n, uint64_t stage_key, double p, size_t *kept) {
    *kept = 0;
    if (!bs_simd_level()) return 0;
    return bs_stage_filter_avx512(ids, bases, n, stage_key, p, kept);
}

#else

size_t bs_collect_priorities(const uint64_t *keys, const int32_t *ids, size_t n,
                             uint64_t add, uint64_t threshold, uint64_t *out) {
    return bs_collect_priorities_scalar(keys, ids, n, add, threshold, out);
}

int bs_collect_priorities_simd(void) { return 0; }

int bs_sort_smallest(uint64_t *p, size_t n, size_t k) {
    (void)p; (void)n; (void)k;
    return 0;
}

size_t bs_log_uniform_balances(uint64_t branch_base, uint64_t first, size_t n, double log_low, double log_span,
                               double low, double high_clip, const double *exp_table, uint64_t *keys, double *out) {
    (void)branch_base; (void)first; (void)n; (void)log_low; (void)log_span; (void)low; (void)high_clip;
    (void)exp_table; (void)keys; (void)out;
    return 0;
}

size_t bs_keyed_below(const uint64_t *keys, size_t n, uint64_t tag, double p, uint8_t *out) {
    (void)keys; (void)n; (void)tag; (void)p; (void)out;
    return 0;
}

size_t bs_stage_filter(int32_t *ids, uint64_t *bases, size_t n, uint64_t stage_key, double p, size_t *kept) {
    (void)ids; (void)bases; (void)n; (void)stage_key; (void)p;
    *kept = 0;
    return 0;
}

#endif
