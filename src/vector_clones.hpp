#pragma once
// Private: PDOOM_VECTOR_CLONES marks a hot loop to be compiled twice, for AVX2 and for the baseline
// x86-64 (SSE2), the copy being chosen once at load time by the CPU (GCC's target_clones, through an
// ifunc). The library is built for any x86-64, where a loop of 32-bit multiplications or of double
// arithmetic runs on 2-4 lanes; AVX2 doubles that.
//
// Both copies give the same bits: the loops marked are element-wise (no reduction to reassociate),
// and the AVX2 copy is not allowed FMA, so every rounding is the same.
//
// Off under the sanitizers (TSan crashes in ifunc resolvers, which run before it is set up) and for
// compilers other than GCC on x86-64.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__SANITIZE_ADDRESS__)
#define PDOOM_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PDOOM_VECTOR_CLONES
#endif
