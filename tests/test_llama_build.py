"""The llama.cpp build is chosen for the CPU it runs on (scripts/llama_cpu.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import llama_cpp
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "llama_cpu.py"
_spec = importlib.util.spec_from_file_location("llama_cpu", SCRIPT)
llama_cpu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(llama_cpu)

AVX2_ONLY = "flags\t\t: fpu sse sse2 ssse3 fma avx avx2 f16c bmi2"
AVX512 = AVX2_ONLY + " avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 avx_vnni amx_tile amx_int8"
BUILT_AVX2 = "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | OPENMP = 1 | REPACK = 1 | "
BUILT_AVX512 = (
    "CPU : SSE3 = 1 | AVX = 1 | AVX_VNNI = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | AVX512 = 1 | "
    "AVX512_VNNI = 1 | AVX512_BF16 = 1 | OPENMP = 1 | "
)


def flags(text: str) -> set[str]:
    return llama_cpu.cpu_flags("processor\t: 0\n" + text + "\nbugs\t\t: spectre_v1\n")


def test_an_avx2_cpu_gets_the_portable_level_and_amx_stays_off():
    args = llama_cpu.cmake_args(flags(AVX2_ONLY))
    assert "-DGGML_AVX2=ON" in args and "-DGGML_NATIVE=OFF" in args
    assert not [a for a in args.split() if "AVX512" in a or "AVX_VNNI" in a]
    assert "-DGGML_AMX_INT8=OFF" in args


def test_an_avx512_cpu_gets_avx512_and_vnni_but_never_amx():
    args = llama_cpu.cmake_args(flags(AVX512)).split()
    for switch in ("GGML_AVX512", "GGML_AVX512_VNNI", "GGML_AVX512_BF16", "GGML_AVX_VNNI"):
        assert f"-D{switch}=ON" in args
    assert "-DGGML_AMX_INT8=ON" not in args and "-DGGML_AMX_INT8=OFF" in args


def test_a_build_is_checked_against_the_cpu_both_ways():
    assert llama_cpu.mismatch(flags(AVX512), BUILT_AVX512) is None
    assert llama_cpu.mismatch(flags(AVX2_ONLY), BUILT_AVX2) is None
    slower = llama_cpu.mismatch(flags(AVX512), BUILT_AVX2)
    assert slower and "without" in slower and "AVX512" in slower
    crash = llama_cpu.mismatch(flags(AVX2_ONLY), BUILT_AVX512)
    assert crash and "lacks" in crash


def test_the_installed_build_fits_this_cpu():
    """What `make install` left in the venv: the check passes, and the system info agrees."""
    done = subprocess.run([sys.executable, str(SCRIPT), "check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cpu = llama_cpu.cpu_flags(Path("/proc/cpuinfo").read_text()) if Path("/proc/cpuinfo").exists() else set()
    info = llama_cpp.llama_print_system_info().decode()
    assert llama_cpu.built_with(info) == set(llama_cpu.wanted(cpu)) or not cpu


def test_the_flash_attention_setting_parses_from_the_environment(monkeypatch):
    from rag.settings import Settings

    assert Settings().llm_flash_attention
    monkeypatch.setenv("RAG_LLM_FLASH_ATTENTION", "0")
    assert not Settings().llm_flash_attention


@pytest.mark.slow
def test_the_flash_attention_setting_reaches_llama_cpp():
    """The setting is what the loaded llama.cpp context runs with, both ways."""
    from rag.llm import make_generator
    from rag.settings import Settings

    for flash, wanted in ((True, llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED),
                          (False, llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED)):  # fmt: skip
        generator = make_generator(Settings(llm="local", llm_flash_attention=flash))
        assert generator._load().context_params.flash_attn_type == wanted
