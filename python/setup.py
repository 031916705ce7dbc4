"""Packages `kiln` with the extension CMake built (docs/python.md).

    cmake --build build                        # builds build/python/kiln/_kiln*.so
    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation ./python

The extension links libMLIR.so and libLLVM.so from /usr/lib/llvm-22 (its
RUNPATH), so the installed package works where Kiln was built. The CPU
target descriptions (targets/*.json) are packaged too.
"""

import glob
import os
import shutil

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def built_package_dir():
    build = os.environ.get("KILN_BUILD_DIR", os.path.join(ROOT, "build"))
    if not os.path.isabs(build):
        build = os.path.join(ROOT, build)
    package = os.path.join(build, "python", "kiln")
    if not glob.glob(os.path.join(package, "_kiln*.so")):
        raise SystemExit(
            "kiln: no built extension in %s: build Kiln first (bash "
            "scripts/setup.sh, or cmake --build BUILD), and set KILN_BUILD_DIR "
            "if the build directory is not %s" % (package, os.path.join(ROOT, "build")))
    return package


class BuildWithExtension(build_py):
    """Copies the CMake-built extension and the target descriptions."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "kiln")
        for so in glob.glob(os.path.join(built_package_dir(), "_kiln*.so")):
            shutil.copy2(so, target)
        targets = os.path.join(target, "targets")
        os.makedirs(targets, exist_ok=True)
        for desc in glob.glob(os.path.join(ROOT, "targets", "*.json")):
            shutil.copy2(desc, targets)


class BinaryDistribution(Distribution):
    """The package holds a compiled extension: a platform wheel."""

    def has_ext_modules(self):
        return True


setup(
    name="kiln",
    version="0.1.0",
    description="Kiln: an MLIR-based compiler for transformer models",
    packages=["kiln"],
    package_dir={"kiln": "kiln"},
    python_requires=">=3.9",
    install_requires=["numpy"],
    cmdclass={"build_py": BuildWithExtension},
    distclass=BinaryDistribution,
    zip_safe=False,
)
