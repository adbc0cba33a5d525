#!/usr/bin/env python3
"""Writes the hostile and unusual archives the java cataloger tests read (generated/*.jar). Run from anywhere;
the outputs are committed. Deterministic: fixed timestamps, no randomness beyond a seeded generator."""
import io
import os
import random
import struct
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")
DATE = (2024, 1, 1, 0, 0, 0)


def jar(entries, method=zipfile.ZIP_DEFLATED):
    """A zip built in memory from (name, bytes) pairs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def pom(group, artifact, version):
    return (f"#Created by Apache Maven 3.9.6\ngroupId={group}\nartifactId={artifact}\nversion={version}\n").encode()


def manifest(**fields):
    lines = ["Manifest-Version: 1.0"] + [f"{k.replace('_', '-')}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def patch_central_size(data, name, declared):
    """Rewrites the uncompressed size the central directory declares for `name` (the local header keeps the truth)."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == name.encode():
            struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 46)
    return bytes(data)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
outer_pom = ("META-INF/maven/com.example/outer/pom.properties", pom("com.example", "outer", "1.0.0"))

# A nested jar of 64 MiB of zeros deflates to ~64 KiB: a 1000:1 ratio no real jar has.
write("bomb-ratio.jar", jar([outer_pom, ("lib/zeros.jar", bytes(64 * 1024 * 1024))]))

# A small entry whose central directory entry claims 3 GB.
write("bomb-declared.jar", patch_central_size(jar([outer_pom, ("lib/huge.jar", jar([outer_pom]))]), "lib/huge.jar", 3_000_000_000))

# An entry that declares 16 bytes but holds 8 KiB of compressed data: the declared size lies.
rng = random.Random(7)
write(
    "lying-size.jar",
    patch_central_size(jar([outer_pom, ("lib/noise.jar", bytes(rng.getrandbits(8) for _ in range(8192)))]), "lib/noise.jar", 16),
)

# Jars nested six deep, each with its own pom.properties: levels beyond 4 must not be opened.
inner = jar([("META-INF/maven/com.example/level6/pom.properties", pom("com.example", "level6", "6.0"))])
for level in range(5, -1, -1):
    inner = jar(
        [
            (f"META-INF/maven/com.example/level{level}/pom.properties", pom("com.example", f"level{level}", f"{level}.0")),
            (f"lib/level{level + 1}.jar", inner),
        ],
        method=zipfile.ZIP_STORED,
    )
write("deep.jar", inner)

# A shaded jar: its own pom.properties, two folded-in artifacts, one of them recorded twice.
write(
    "shaded-2.1.0.jar",
    jar(
        [
            ("META-INF/MANIFEST.MF", manifest(Implementation_Title="shaded", Implementation_Version="2.1.0")),
            ("META-INF/maven/com.example/shaded/pom.properties", pom("com.example", "shaded", "2.1.0")),
            ("META-INF/maven/com.google.guava/guava/pom.properties", pom("com.google.guava", "guava", "31.1-jre")),
            ("META-INF/maven/org.slf4j/slf4j-api/pom.properties", pom("org.slf4j", "slf4j-api", "1.7.36")),
            ("META-INF/maven/org.slf4j.legacy/slf4j-api/pom.properties", pom("org.slf4j", "slf4j-api", "1.7.36")),
        ]
    ),
)

# An OSGi bundle without pom.properties: the manifest is the only evidence (the file name gives the artifact).
write(
    "org.eclipse.osgi-3.18.0.jar",
    jar(
        [
            (
                "META-INF/MANIFEST.MF",
                manifest(
                    Bundle_SymbolicName="org.eclipse.osgi; singleton:=true",
                    Bundle_Version="3.18.0.v20220516-2155",
                    Implementation_Title="Eclipse OSGi Framework",
                ),
            ),
            ("org/eclipse/osgi/Placeholder.class", b"\xca\xfe\xba\xbe"),
        ]
    ),
)
# A manifest with a wrapped (continued) long value and the groupId Maven's archiver records.
write(
    "plain.jar",
    jar(
        [
            (
                "META-INF/MANIFEST.MF",
                b"Manifest-Version: 1.0\r\nImplementation-Title: plain-lib\r\nImplementation-Version: 4.5.6-beta\r\n"
                b"Implementation-Vendor-Id: org.example.plain\r\nClass-Path: a.jar b.jar c.jar d.jar e.jar f.jar g.\r\n"
                b" jar\r\n\r\nName: org/example/\r\nImplementation-Version: 9.9.9\r\n",
            )
        ]
    ),
)
# No metadata at all: only the file name says what it is.
write("legacy-util-0.9.2.jar", jar([("com/legacy/Util.class", b"\xca\xfe\xba\xbe")]))

# A jar whose pom.properties has damaged deflate data while the rest is fine.
good = jar([outer_pom, ("META-INF/MANIFEST.MF", manifest(Implementation_Version="1.0.0"))])
at = good.find(b"PK\x03\x04")
data_start = at + 30 + struct.unpack_from("<H", good, at + 26)[0] + struct.unpack_from("<H", good, at + 28)[0]
damaged = bytearray(good)
damaged[data_start : data_start + 4] = b"\xff\xff\xff\xff"
write("damaged-entry.jar", bytes(damaged))
