"""Writes the assembly of a hand-scheduled f32 matmul for a 16x16-array part.

  gen-matmul.py M K N MC KC > prog.s

C[M,N] = A[M,K] x B[K,N]: an MC-row panel of A resident in the scratchpad
(reloaded per panel), B in double-buffered KC x 16 chunks, C double-buffered
in the accumulator. Tokens: t0/t1 B chunk loaded, t2/t3 B chunk free, t4 A
panel loaded, t5 A panel free, t6/t7 C tile done, t8/t9 C tile stored.
"""
import sys

M, K, N, mc, kc = (int(a) for a in sys.argv[1:6])
assert K % kc == 0 and kc % 16 == 0 and N % 16 == 0
R = C = 16; eb = 4
a_bytes, b_bytes = M*K*eb, K*N*eb
c_addr = a_bytes + b_bytes
spadA = 0
spadB = [mc*K*eb, mc*K*eb + kc*C*eb]
accC = [0, mc*C*4]
load, comp, store = [], [], []
step = 0; nstep = 0
for b0 in range(0, M, mc):
    m = min(mc, M - b0)
    if b0: load.append('wait t5')
    load.append(f'dma 1x{m}x{K} spad.f32[{spadA}; 0,{K},1], dram.f32[{b0*K*eb}; 0,{K},1]')
    load.append('signal t4')
    comp.append('wait t4')
    for n0 in range(0, N, C):
        cb = nstep % 2
        if nstep >= 2: comp.append(f'wait t{8+cb}')
        for k0 in range(0, K, kc):
            buf = step % 2
            if step >= 2: load.append(f'wait t{2+buf}')
            load.append(f'dma 1x{kc}x{C} spad.f32[{spadB[buf]}; 0,{C},1], dram.f32[{a_bytes + (k0*N+n0)*eb}; 0,{N},1]')
            load.append(f'signal t{buf}')
            comp.append(f'wait t{buf}')
            for kt in range(0, kc, R):
                acc = '.acc' if k0 + kt else ''
                comp.append(f'matmul{acc} {m}x{R}x{C} acc.f32[{accC[cb]}; {C},0,1], spad.f32[{spadA + (k0+kt)*eb}; {K},1,0], spad.f32[{spadB[buf] + kt*C*eb}; 0,{C},1]')
            comp.append(f'signal t{2+buf}')
            step += 1
        comp.append(f'signal t{6+cb}')
        store.append(f'wait t{6+cb}')
        store.append(f'dma 1x{m}x{C} dram.f32[{c_addr + (b0*N+n0)*4}; 0,{N},1], acc.f32[{accC[cb]}; 0,{C},1]')
        store.append(f'signal t{8+cb}')
        nstep += 1
    comp.append('signal t5')
out = [f'.dram_bytes {c_addr + M*N*4}', '.tokens 10',
       f'.input a f32 [{M},{K}] @0', f'.input b f32 [{K},{N}] @{a_bytes}',
       f'.output c f32 [{M},{N}] @{c_addr}']
for name, q in (('load', load), ('compute', comp), ('store', store)):
    out.append('.queue ' + name); out += ['  ' + l for l in q]
print('\n'.join(out))
