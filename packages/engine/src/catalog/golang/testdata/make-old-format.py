#!/usr/bin/env python3
"""Writes minimal big-endian ELF executables carrying Go build info in the pre-1.18 layout, which a current
toolchain can no longer produce: a 32-byte header in the data segment holding pointers to two Go string headers
{data, len}, whose bytes live in the read-only segment. Layout as in cmd/link of Go 1.13-1.17.

Outputs bin/oldformat-mips (ELF32, big endian) and bin/oldformat-s390x (ELF64, big endian)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = b"\xff Go buildinf:"
# cmd/go/internal/modload infoStart / infoEnd: the framing around the module info string.
INFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
INFO_END = bytes.fromhex("f932433186182072008242104116d8f2")
GO_VERSION = b"go1.15.15"
MODINFO = (
    b"path\texample.com/oldfmt/cmd/oldfmt\n"
    b"mod\texample.com/oldfmt\tv1.4.0\th1:Vx0uJ1JZkaK6B4zZiXoDK8eXbJ6LsbaJ4iNWRJPaCw4=\n"
    b"dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n"
    b"dep\tgolang.org/x/sys\tv0.0.0-20200116001909-b77594299b42\n"
    b"=>\tgolang.org/x/sys\tv0.1.0\th1:kunALQeHf1/185U1i0GOB/fy1IPRDDpuoOOqRReG57U=\n"
)

TEXT_VADDR, DATA_VADDR, DATA_OFF = 0x10000, 0x21000, 0x1000


def build(is64: bool, machine: int, name: str) -> None:
    ptr = "Q" if is64 else "I"
    psize = 8 if is64 else 4
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    rodata_off = ehsize + 2 * phentsize
    modinfo = INFO_START + MODINFO + INFO_END
    rodata = GO_VERSION + modinfo
    text = bytearray(DATA_OFF)
    text[rodata_off : rodata_off + len(rodata)] = rodata
    vers_addr = TEXT_VADDR + rodata_off
    mod_addr = vers_addr + len(GO_VERSION)

    data = bytearray(0x100)
    data[0x11 : 0x11 + len(MAGIC)] = MAGIC  # a misaligned decoy the reader must skip
    # String headers for runtime.buildVersion and runtime.modinfo.
    struct.pack_into(f">{ptr}{ptr}", data, 0x80, vers_addr, len(GO_VERSION))
    struct.pack_into(f">{ptr}{ptr}", data, 0x80 + 2 * psize, mod_addr, len(modinfo))
    blob = MAGIC + bytes([psize, 1]) + struct.pack(f">{ptr}{ptr}", DATA_VADDR + 0x80, DATA_VADDR + 0x80 + 2 * psize)
    data[0x40 : 0x40 + len(blob)] = blob

    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2, 1]) + bytes(9)
    if is64:
        header = ident + struct.pack(">HHIQQQIHHHHHH", 2, machine, 1, TEXT_VADDR, ehsize, 0, 0, ehsize, phentsize, 2, 64, 0, 0)
        ph = lambda flags, off, vaddr, size: struct.pack(">IIQQQQQQ", 1, flags, off, vaddr, vaddr, size, size, 0x1000)
    else:
        header = ident + struct.pack(">HHIIIIIHHHHHH", 2, machine, 1, TEXT_VADDR, ehsize, 0, 0, ehsize, phentsize, 2, 40, 0, 0)
        ph = lambda flags, off, vaddr, size: struct.pack(">IIIIIIII", 1, off, vaddr, vaddr, size, size, flags, 0x1000)
    phdrs = ph(5, 0, TEXT_VADDR, len(text)) + ph(6, DATA_OFF, DATA_VADDR, len(data))
    text[0 : len(header) + len(phdrs)] = header + phdrs
    os.makedirs(os.path.join(HERE, "bin"), exist_ok=True)
    path = os.path.join(HERE, "bin", name)
    with open(path, "wb") as f:
        f.write(bytes(text) + bytes(data))
    os.chmod(path, 0o755)


build(False, 8, "oldformat-mips")
build(True, 22, "oldformat-s390x")
