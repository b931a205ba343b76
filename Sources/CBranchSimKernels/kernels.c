#include "BranchSimKernels.h"

#include <stdlib.h>

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

__attribute__((target("avx512f,avx512dq")))
static size_t bs_collect_priorities_avx512(const uint64_t *keys, const int32_t *ids, size_t n,
                                           uint64_t add, uint64_t threshold, uint64_t *out) {
    const __m512i vadd = _mm512_set1_epi64((long long)add);
    const __m512i m1 = _mm512_set1_epi64((long long)0xBF58476D1CE4E5B9ULL);
    const __m512i m2 = _mm512_set1_epi64((long long)0x94D049BB133111EBULL);
    const __m512i high = _mm512_set1_epi64((long long)0xFFFFFFFF00000000ULL);
    const __m512i limit = _mm512_set1_epi64((long long)threshold);
    size_t m = 0, i = 0;
    if (threshold < (uint64_t)1 << 57) {
        // Under 0.8% of the values pass: most vectors keep nothing, so the customer numbers
        // are loaded and the vector stored only when the hash alone (its high half, which
        // decides the comparison but for ties with the threshold's high half) passes.
        for (; i + 8 <= n; i += 8) {
            __m512i z = _mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i)), vadd);
            z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1);
            z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
            z = _mm512_and_si512(_mm512_xor_si512(z, _mm512_srli_epi64(z, 31)), high);
            if (_mm512_cmplt_epu64_mask(z, limit) == 0) continue;  // then h | id >= h >= limit
            __m512i id = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i)));
            __m512i v = _mm512_or_si512(z, id);
            __mmask8 keep = _mm512_cmplt_epu64_mask(v, limit);
            _mm512_storeu_si512((void *)(out + m), _mm512_maskz_compress_epi64(keep, v));
            m += (size_t)__builtin_popcount((unsigned)keep);
        }
        return m + bs_collect_priorities_scalar(keys + i, ids + i, n - i, add, threshold, out + m);
    }
    for (; i + 8 <= n; i += 8) {
        __m512i z = _mm512_add_epi64(_mm512_loadu_si512((const void *)(keys + i)), vadd);
        z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1);
        z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
        z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
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

static int bs_simd_level(void) {
    // Decided once; a race between threads only writes the same value twice.
    static volatile int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        int yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
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

#else

size_t bs_collect_priorities(const uint64_t *keys, const int32_t *ids, size_t n,
                             uint64_t add, uint64_t threshold, uint64_t *out) {
    return bs_collect_priorities_scalar(keys, ids, n, add, threshold, out);
}

int bs_collect_priorities_simd(void) { return 0; }

#endif
