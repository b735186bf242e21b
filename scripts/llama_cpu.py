"""Build llama.cpp for the CPU it will run on, and check the build that is installed.

``make install`` compiles llama-cpp-python from source. A ``-march=native`` build
cannot be trusted: on this project's development machines it turns on AMX, and the
first tile instruction dies there (SIGILL in ``ggml_backend_amx_mul_mat``). A
fixed portable level (AVX2) leaves speed behind: on an AVX-512 CPU, prompt evaluation
of the 1.5B model runs 1.5x faster with AVX-512 and VNNI (76 -> 114 tokens/s on 2
cores), and prompt evaluation is what the reader waits for before the first token.

So the flags are read from ``/proc/cpuinfo``: each ggml switch whose instructions the
CPU has is on, AMX is always off. pip caches the wheel it built by the source archive,
not by these flags, so a wheel built on another CPU can come back from the cache;
``check`` compares the installed build with the CPU (llama.cpp's own system info) and
``make install`` rebuilds without the cache when they differ.

Standard library only: it runs before the virtual environment has anything in it.

    python scripts/llama_cpu.py cmake-args     # the CMAKE_ARGS for this CPU
    .venv/bin/python scripts/llama_cpu.py check  # exit 1 if the installed build differs
"""

from __future__ import annotations

import sys
from pathlib import Path

# Always on: the x86-64-v3 level every CPU of the last decade has, as before.
BASE = ["-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"]
# ggml switch -> (the /proc/cpuinfo flags it needs, the name llama.cpp's system info prints).
OPTIONAL = {
    "GGML_AVX512": (("avx512f", "avx512bw", "avx512dq", "avx512vl"), "AVX512"),
    "GGML_AVX512_VNNI": (("avx512f", "avx512_vnni"), "AVX512_VNNI"),
    "GGML_AVX512_BF16": (("avx512f", "avx512_bf16"), "AVX512_BF16"),
    "GGML_AVX_VNNI": (("avx_vnni",), "AVX_VNNI"),
}
# Never: the kernel may refuse the tile state (seen: SIGILL at the first matrix product).
OFF = ["-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"]


def cpu_flags(cpuinfo: str) -> set[str]:
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def wanted(flags: set[str]) -> list[str]:
    """The optional ggml switches this CPU can run."""
    return [switch for switch, (needs, _) in OPTIONAL.items() if all(f in flags for f in needs)]


def cmake_args(flags: set[str]) -> str:
    return " ".join(BASE + [f"-D{switch}=ON" for switch in wanted(flags)] + OFF)


def built_with(system_info: str) -> set[str]:
    """The optional switches a build has, read from ``llama_print_system_info``."""
    shown = {k.strip(): v.strip() for k, _, v in (part.partition("=") for part in system_info.split("|"))}
    return {switch for switch, (_, name) in OPTIONAL.items() if shown.get(name) == "1"}


def mismatch(flags: set[str], system_info: str) -> str | None:
    """Why the installed build does not fit this CPU, or None when it does."""
    want, have = set(wanted(flags)), built_with(system_info)
    if have - want:
        return f"built with {sorted(have - want)}, which this CPU lacks (it would crash)"
    if want - have:
        return f"built without {sorted(want - have)}, which this CPU has (slower than it could be)"
    return None


def main(argv: list[str]) -> int:
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpu_flags(cpuinfo.read_text()) if cpuinfo.exists() else set()
    if argv == ["cmake-args"]:
        print(cmake_args(flags))
        return 0
    if argv == ["check"]:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode()
        reason = mismatch(flags, info) if flags else None
        if reason:
            print(f"llama-cpp-python {reason}: rebuilding", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
