"""Runs every statically shaped function of kiln files through
`kiln-run --target=gpu` on the stand-in driver (fake_cuda.c) and checks the
host side of the GPU protocol, which needs no GPU:

- the run finishes: host code never dereferences device memory (the
  stand-in's device memory is PROT_NONE to the host, so it would fault);
- every driver object is released at exit (context pushes balanced, no
  device allocation, stream, event or module left), i.e. the generated
  code frees its temporaries and destroys its streams;
- it reports how many kernels each function launched.

usage: run_on_fake.py FAKE_DRIVER_DIR FILE.mlir...
Prints one line per function and a summary; exits 1 if any failed.
"""
import os
import re
import subprocess
import sys
import tempfile

EXIT_OK = "exit: context depth 0, 0 allocations, 0 streams, 0 events, 0 modules live"


def functions(path):
    """(name, signature) of every func.func in the file."""
    with open(path) as f:
        for line in f:
            m = re.match(r"func\.func @([A-Za-z_0-9]+)\((.*)", line)
            if m:
                yield m.group(1), m.group(2)


def main():
    fake_dir, files = sys.argv[1], sys.argv[2:]
    failed = total = 0
    for path in files:
        for name, signature in functions(path):
            if "?" in signature:
                continue  # dynamic shapes: refused by the gpu target
            total += 1
            with tempfile.TemporaryDirectory() as tmp:
                log = os.path.join(tmp, "log")
                env = dict(os.environ, LD_LIBRARY_PATH=fake_dir,
                           FAKE_CUDA_LOG=log)
                done = subprocess.run(
                    ["kiln-run", path, f"--function={name}", "--random-inputs",
                     "--target=gpu"], env=env, capture_output=True, text=True)
                calls = open(log).read().splitlines() if os.path.exists(log) else []
            launches = sum(c.startswith("cuLaunchKernel(") for c in calls)
            where = f"{os.path.basename(path)} @{name}"
            if done.returncode != 0:
                failed += 1
                first = (done.stderr.strip().splitlines() or ["(no output)"])[0]
                how = (f"killed by signal {-done.returncode}"
                       if done.returncode < 0 else f"exit {done.returncode}")
                print(f"{where}: FAILED ({how}): {first}")
            elif not calls or calls[-1] != EXIT_OK:
                failed += 1
                print(f"{where}: FAILED (left behind: "
                      f"{calls[-1] if calls else 'no driver log'})")
            else:
                print(f"{where}: ok, {launches} kernel launch(es)")
    print(f"{total - failed} of {total} functions ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
