"""boot2 as the bootrom wants it (RP2040 datasheet §2.8.1.3.1): the code padded to 252
bytes, then the CRC32 of those 252 bytes (polynomial 0x04C11DB7, initial 0xFFFFFFFF,
no reflection, no final XOR) as a little-endian word. Writes an assembler file that
puts the 256 bytes into section .boot2.

    python3 pad_boot2.py boot2.bin boot2_padded.S
"""
import sys

PAYLOAD = 252
POLYNOMIAL = 0x04C11DB7


def crc32_msb_first(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ POLYNOMIAL if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def main(source: str, target: str) -> None:
    code = open(source, "rb").read()
    if len(code) > PAYLOAD:
        sys.exit(f"{source}: boot2 is {len(code)} bytes; at most {PAYLOAD} fit")
    payload = code.ljust(PAYLOAD, b"\0")
    image = payload + crc32_msb_first(payload).to_bytes(4, "little")
    lines = ['.section .boot2, "ax"'] + \
        [".byte " + ", ".join(f"0x{b:02x}" for b in image[i:i + 16])
         for i in range(0, len(image), 16)]
    with open(target, "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
