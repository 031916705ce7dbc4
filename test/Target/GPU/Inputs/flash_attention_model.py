"""A numpy model of the index formulas kiln-gpu-flash-attention uses.

It checks formulas, not generated code: the per-lane ldmatrix addresses,
the XOR swizzle of shared-memory rows, the m16n8k16 fragment layouts, the
reuse of two S accumulator tiles as the A fragment of P V, the quad
shuffles of the online softmax, the causal tile count and the masking, all
written as in lib/kiln/Target/GPU/FlashAttention.cpp, against
softmax(q k^T * scale + mask) v. The instructions are modelled from the
PTX ISA's descriptions of ldmatrix (.x4, .trans) and mma.m16n8k16
(row.col, f32 accumulators).
"""
import sys

import numpy as np

V = 8  # f16 elements per 16-byte cp.async


def swizzle(row, col, length):
    chunks = length // V
    if chunks < 2:
        return col
    return (((col // V) ^ (row % min(chunks, 8))) * V) + col % V


def store_swizzled(tile):
    rows, length = tile.shape
    out = np.zeros_like(tile)
    for r in range(rows):
        for c in range(0, length, V):
            p = swizzle(r, c, length)
            out[r, p:p + V] = tile[r, c:c + V]
    return out


def ldmatrix_x4(buf, addr, trans):
    """addr(lane) -> (row, physical column) of the 8 elements that lane
    points at; lanes 8i..8i+7 give the rows of matrix i. Returns regs[lane]
    = 4 pairs."""
    mats = []
    for i in range(4):
        m = np.zeros((8, 8), buf.dtype)
        for r in range(8):
            row, pc = addr(8 * i + r)
            m[r] = buf[row, pc:pc + 8]
        mats.append(m)
    regs = np.zeros((32, 4, 2), buf.dtype)
    for lane in range(32):
        g, t = lane // 4, lane % 4
        for i in range(4):
            if trans:
                regs[lane, i] = mats[i][2 * t:2 * t + 2, g]
            else:
                regs[lane, i] = mats[i][g, 2 * t:2 * t + 2]
    return regs


def mma(a, b, c):
    """m16n8k16 row.col: a[lane][4][2], b[lane][2][2], c[lane][2][2]."""
    A = np.zeros((16, 16), np.float32)
    B = np.zeros((16, 8), np.float32)
    for lane in range(32):
        g, t = lane // 4, lane % 4
        A[g, 2 * t:2 * t + 2] = a[lane, 0]
        A[g + 8, 2 * t:2 * t + 2] = a[lane, 1]
        A[g, 2 * t + 8:2 * t + 10] = a[lane, 2]
        A[g + 8, 2 * t + 8:2 * t + 10] = a[lane, 3]
        B[2 * t:2 * t + 2, g] = b[lane, 0]
        B[2 * t + 8:2 * t + 10, g] = b[lane, 1]
    C = A @ B
    d = c.copy()
    for lane in range(32):
        g, t = lane // 4, lane % 4
        for r in range(2):
            d[lane, r] += C[g + 8 * r, 2 * t:2 * t + 2]
    return d


def quad(x, op):
    """shuffle xor 1 then 2 over lanes (x[lane])."""
    for off in (1, 2):
        x = op(x, x[np.arange(32) ^ off])
    return x


def kernel(q, k, v, scale, causal, mask, BM, BN, S):
    """One head: q [Sq, D], k [Sk, D], v [Sk, Dv]; mask [Sq, Sk] (added)."""
    Sq, D = q.shape
    Sk, Dv = v.shape
    out = np.full((Sq, Dv), np.nan, np.float32)
    all_tiles = -(-Sk // BN)
    for q0 in range(0, Sq, BM):
        n_tiles = all_tiles
        if causal:
            last = q0 + BM - 1 + Sk - Sq
            n_tiles = max(min(n_tiles, last // BN + 1), 0)
        # Shared memory as the cp.async copies fill it (zero outside).
        qt = np.zeros((BM, D), np.float16)
        rows = min(BM, Sq - q0)
        qt[:rows] = q[q0:q0 + rows]
        smQ = store_swizzled(qt)
        for warp in range(BM // 16):
            wm0 = 16 * warp
            qf = [ldmatrix_x4(smQ, lambda l, kk=kk: (
                wm0 + l % 16,
                swizzle(wm0 + l % 16, (l // 16) * 8 + 16 * kk, D)), False)
                for kk in range(D // 16)]
            o = [np.zeros((32, 2, 2), np.float32) for _ in range(Dv // 8)]
            m = np.full((2, 32), -np.inf, np.float32)
            lsum = np.zeros((2, 32), np.float32)
            lane = np.arange(32)
            for kt in range(n_tiles):
                kt_ = np.zeros((BN, D), np.float16)
                vt_ = np.zeros((BN, Dv), np.float16)
                n = max(0, min(BN, Sk - kt * BN))
                kt_[:n] = k[kt * BN:kt * BN + n]
                vt_[:n] = v[kt * BN:kt * BN + n]
                smK, smV = store_swizzled(kt_), store_swizzled(vt_)
                s = [np.zeros((32, 2, 2), np.float32) for _ in range(BN // 8)]
                for kk in range(D // 16):
                    for j in range(0, BN // 8, 2):
                        def addr(l, j=j, kk=kk):
                            row = (l // 16) * 8 + l % 8 + j * 8
                            col = ((l // 8) % 2) * 8 + kk * 16
                            return row, swizzle(row, col, D)
                        four = ldmatrix_x4(smK, addr, False)
                        for p in range(2):
                            s[j + p] = mma(qf[kk], four[:, 2 * p:2 * p + 2],
                                           s[j + p])
                x = np.zeros((BN // 8, 32, 2, 2), np.float32)
                for j in range(BN // 8):
                    for r in range(2):
                        row = q0 + wm0 + lane // 4 + 8 * r
                        for c in range(2):
                            key = kt * BN + (lane % 4) * 2 + j * 8 + c
                            # Scores in log2 units: exp(x) = exp2(x log2 e).
                            val = s[j][:, r, c] * scale
                            if mask is not None:
                                val = val + mask[np.where(row < Sq, row, 0),
                                                 np.where(key < Sk, key, 0)]
                            val = val * np.float32(np.log2(np.e))
                            hidden = key >= Sk
                            if causal:
                                hidden |= key > row + (Sk - Sq)
                            x[j, :, r, c] = np.where(hidden, -np.inf, val)
                alpha = np.zeros((2, 32), np.float32)
                for r in range(2):
                    mx = np.maximum(m[r], x[:, :, r, :].max(axis=(0, 2)))
                    mx = quad(mx, np.maximum)
                    base = np.where(mx == -np.inf, 0, mx)
                    alpha[r] = np.exp2(m[r] - base)
                    x[:, :, r, :] = np.exp2(x[:, :, r, :] - base[None, :, None])
                    lsum[r] = lsum[r] * alpha[r] + x[:, :, r, :].sum(axis=(0, 2))
                    m[r] = mx
                for jd in range(Dv // 8):
                    o[jd] = o[jd] * alpha.T[:, :, None]
                pf = []
                for kk in range(BN // 16):
                    a = np.zeros((32, 4, 2), np.float16)
                    for qq in range(4):
                        j, r = 2 * kk + qq // 2, qq % 2
                        a[:, qq] = x[j, :, r, :].astype(np.float16)
                    pf.append(a)
                for kk in range(BN // 16):
                    for jd in range(0, Dv // 8, 2):
                        def addr(l, jd=jd, kk=kk):
                            row = l % 16 + kk * 16
                            col = (l // 16) * 8 + jd * 8
                            return row, swizzle(row, col, Dv)
                        four = ldmatrix_x4(smV, addr, True)
                        for p in range(2):
                            o[jd + p] = mma(pf[kk], four[:, 2 * p:2 * p + 2],
                                            o[jd + p])
            for r in range(2):
                l = quad(lsum[r], np.add)
                row = q0 + wm0 + lane // 4 + 8 * r
                for jd in range(Dv // 8):
                    for c in range(2):
                        col = (lane % 4) * 2 + jd * 8 + c
                        ok = row < Sq
                        out[row[ok], col[ok]] = o[jd][ok, r, c] / l[ok]
    return out


def reference(q, k, v, scale, causal, mask):
    s = q.astype(np.float64) @ k.astype(np.float64).T * scale
    if mask is not None:
        s = s + mask
    Sq, Sk = s.shape
    if causal:
        i = np.arange(Sq)[:, None]
        j = np.arange(Sk)[None, :]
        s = np.where(j > i + (Sk - Sq), -np.inf, s)
    with np.errstate(invalid="ignore"):
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p = p / p.sum(axis=1, keepdims=True)
    return p @ v.astype(np.float64)


def main():
    rng = np.random.default_rng(0)
    cases = [  # Sq, Sk, D, Dv, causal, mask, BM, BN, S
        (50, 70, 64, 64, True, False, 32, 32, 3),
        (64, 64, 128, 128, False, False, 32, 64, 2),
        (40, 100, 32, 64, False, True, 16, 32, 2),
        (100, 30, 64, 64, True, False, 32, 32, 2),  # Sq > Sk: hidden rows
    ]
    worst = 0.0
    for Sq, Sk, D, Dv, causal, has_mask, BM, BN, S in cases:
        q = rng.standard_normal((Sq, D)).astype(np.float16)
        k = rng.standard_normal((Sk, D)).astype(np.float16)
        v = rng.standard_normal((Sk, Dv)).astype(np.float16)
        mask = (rng.standard_normal((Sq, Sk)).astype(np.float32)
                if has_mask else None)
        scale = 1 / np.sqrt(D)
        got = kernel(q, k, v, scale, causal, mask, BM, BN, S)
        want = reference(q, k, v, scale, causal, mask)
        nan_ok = np.array_equal(np.isnan(got), np.isnan(want))
        both = ~np.isnan(want)
        err = float(np.abs(got[both] - want[both]).max()) if both.any() else 0
        worst = max(worst, err)
        print(f"Sq={Sq} Sk={Sk} D={D} Dv={Dv} causal={causal} "
              f"mask={has_mask} BM={BM} BN={BN}: max abs error {err:.2e}, "
              f"NaN rows {'match' if nan_ok else 'DIFFER'}")
        if not nan_ok or err > 2e-2:
            print("FAIL")
            return 1
    print(f"PASS worst {worst:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
