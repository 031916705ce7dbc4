// Measures this machine's f32 FMA peak: each thread runs independent chains
// of vector FMAs (enough chains to cover latency x pipes) on the widest
// vector unit the compiler targets with -march=native.
//   fma_peak THREADS   -> prints "fma_peak_gflops <value>"
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 16
#define ITERS 20000000L

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#elif defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float SUM(__m256 v) {
  float t[8];
  _mm256_storeu_ps(t, v);
  return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#else
#error "needs FMA (compile with -march=native on an FMA machine)"
#endif

static void *work(void *arg) {
  vec acc[CHAINS];
  vec a = SET1(0.999999f), b = SET1(1e-7f);
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = SET1((float)c);
  for (long i = 0; i < ITERS; ++i)
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = FMA(acc[c], a, b);
  vec s = acc[0];
  for (int c = 1; c < CHAINS; ++c)
    s = ADD(s, acc[c]);
  *(float *)arg = SUM(s); // Keeps the work observable.
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256)
    return 1;
  pthread_t t[256];
  float sink[256];
  struct timespec start, stop;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < threads; ++i)
    pthread_create(&t[i], NULL, work, &sink[i]);
  for (int i = 0; i < threads; ++i)
    pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &stop);
  double seconds =
      (stop.tv_sec - start.tv_sec) + 1e-9 * (stop.tv_nsec - start.tv_nsec);
  double flops = 2.0 * LANES * CHAINS * (double)ITERS * threads;
  printf("fma_peak_gflops %.1f (%d-lane vectors, sink %g)\n", flops / seconds / 1e9,
         LANES, (double)sink[0]);
  return 0;
}
