//===- BufferCacheTest.cpp - The compiled code's temporaries allocator ----===//

#include "kiln/Target/CPU/BufferCache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

bool aligned64(void *p) { return reinterpret_cast<uintptr_t>(p) % 64 == 0; }

TEST(BufferCache, FreedBlockIsReusedForTheSameSize) {
  void *a = _mlir_memref_to_llvm_alloc(1 << 20);
  ASSERT_NE(a, nullptr);
  std::memset(a, 1, 1 << 20);
  _mlir_memref_to_llvm_free(a);
  void *b = _mlir_memref_to_llvm_alloc(1 << 20);
  EXPECT_EQ(a, b);
  _mlir_memref_to_llvm_free(b);
}

TEST(BufferCache, SizesRoundToCacheLinesAndBlocksAreAligned) {
  void *a = _mlir_memref_to_llvm_alloc(100);
  EXPECT_TRUE(aligned64(a));
  _mlir_memref_to_llvm_free(a);
  // 100 and 120 bytes are both two 64-byte lines: the same block.
  void *b = _mlir_memref_to_llvm_alloc(120);
  EXPECT_EQ(a, b);
  // A zero-byte request still gets a distinct, usable block.
  void *c = _mlir_memref_to_llvm_alloc(0);
  EXPECT_NE(c, nullptr);
  EXPECT_NE(c, b);
  _mlir_memref_to_llvm_free(b);
  _mlir_memref_to_llvm_free(c);
}

TEST(BufferCache, LiveBlocksAreNeverHandedOutTwice) {
  std::vector<void *> blocks;
  for (int i = 0; i < 8; ++i) {
    void *p = _mlir_memref_to_llvm_alloc(4096);
    EXPECT_TRUE(aligned64(p));
    for (void *q : blocks)
      EXPECT_NE(p, q);
    blocks.push_back(p);
  }
  for (void *p : blocks)
    _mlir_memref_to_llvm_free(p);
  // A block of another size is not taken from the cached 4096-byte ones.
  void *other = _mlir_memref_to_llvm_alloc(8192);
  for (void *q : blocks)
    EXPECT_NE(other, q);
  _mlir_memref_to_llvm_free(other);
}

TEST(BufferCache, MoreLiveBlocksThanTheTableHoldsStillWork) {
  // Past the table's 256 entries blocks are untracked: plain malloc/free.
  std::vector<void *> blocks;
  for (int i = 0; i < 300; ++i) {
    void *p = _mlir_memref_to_llvm_alloc(64 * (i + 1));
    ASSERT_NE(p, nullptr);
    std::memset(p, 0xab, 64 * (i + 1));
    blocks.push_back(p);
  }
  for (void *p : blocks)
    _mlir_memref_to_llvm_free(p);
  _mlir_memref_to_llvm_free(nullptr);
}

} // namespace
