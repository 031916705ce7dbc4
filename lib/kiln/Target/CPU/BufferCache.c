/*===- BufferCache.c - Reused temporaries for compiled code -------------===//
 *
 * Compiled functions allocate their temporaries (intermediate tensors,
 * packed operands) with _mlir_memref_to_llvm_alloc/_free
 * (finalize-memref-to-llvm's use-generic-functions). glibc serves large
 * blocks with mmap or trims the heap when they are freed, so every call
 * would fault all of its temporaries in again (measured: 13% of a GPT-2
 * block). This cache keeps freed blocks and hands a block of the same size
 * to the next request: a function called in a loop allocates nothing after
 * its first call.
 *
 * The JIT links this file into the process; `kilnc --emit=lib` compiles it
 * into each library (hidden symbols, one cache per library); objects from
 * `--emit=obj` carry weak malloc/free fallbacks instead. Plain C: the
 * library's link step compiles it with the C compiler driver.
 *
 *===--------------------------------------------------------------------===*/

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(KILN_BUFFER_CACHE_HIDDEN)
#define KILN_BUFFER_CACHE_API __attribute__((visibility("hidden")))
#else
#define KILN_BUFFER_CACHE_API
#endif

/* Blocks are 64-byte aligned (a cache line, an AVX-512 vector). */
enum { kAlignment = 64, kSlots = 256 };
/* Cached bytes beyond this go back to the C library. */
static const size_t kMaxCachedBytes = (size_t)1 << 30;

struct Block {
  void *pointer;
  size_t size;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Blocks handed out (their sizes, for free) and blocks kept for reuse. */
static struct Block live[kSlots], cached[kSlots];
static int numLive, numCached;
static size_t cachedBytes;

KILN_BUFFER_CACHE_API void *_mlir_memref_to_llvm_alloc(uint64_t size);
KILN_BUFFER_CACHE_API void _mlir_memref_to_llvm_free(void *pointer);

void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  size_t rounded = (size_t)((size + kAlignment - 1) / kAlignment * kAlignment);
  if (rounded == 0)
    rounded = kAlignment;
  void *pointer = NULL;
  pthread_mutex_lock(&lock);
  for (int i = numCached - 1; i >= 0; --i) {
    if (cached[i].size != rounded)
      continue;
    pointer = cached[i].pointer;
    cachedBytes -= rounded;
    cached[i] = cached[--numCached];
    break;
  }
  pthread_mutex_unlock(&lock);
  if (!pointer && posix_memalign(&pointer, kAlignment, rounded) != 0)
    return NULL;
  pthread_mutex_lock(&lock);
  /* Untracked when the table is full: its free goes to the C library. */
  if (numLive < kSlots) {
    live[numLive].pointer = pointer;
    live[numLive].size = rounded;
    ++numLive;
  }
  pthread_mutex_unlock(&lock);
  return pointer;
}

void _mlir_memref_to_llvm_free(void *pointer) {
  if (!pointer)
    return;
  pthread_mutex_lock(&lock);
  for (int i = numLive - 1; i >= 0; --i) {
    if (live[i].pointer != pointer)
      continue;
    size_t size = live[i].size;
    live[i] = live[--numLive];
    if (numCached < kSlots && cachedBytes + size <= kMaxCachedBytes) {
      cached[numCached].pointer = pointer;
      cached[numCached].size = size;
      ++numCached;
      cachedBytes += size;
      pointer = NULL;
    }
    break;
  }
  pthread_mutex_unlock(&lock);
  free(pointer); /* not kept (or not ours): back to the C library */
}
