#!/usr/bin/python3
"""Independent reference implementation of the MindStorm vault format, version 1 (docs/vault.md).

It shares no code with src/vault/: it uses Debian's python3-cryptography (AES-GCM, HKDF, PBKDF2 via
hashlib) and python3-argon2 (argon2-cffi over the reference C libargon2) and follows the document only.

Usage (call Debian's interpreter explicitly; a pyenv python may shadow it on PATH):
  /usr/bin/python3 scripts/vault-vectors.py [--out FILE]
      Write test vectors (vaults and notes encrypted here) to FILE,
      default test/fixtures/vault/python-vectors.json. The TypeScript tests decrypt them.
  /usr/bin/python3 scripts/vault-vectors.py --decrypt FILE
      Read a vault made by another implementation: {"userId", "passphrase", "recoveryKey"?, "header",
      "notes": [{"noteId", "record"}]}. Unlock it with the passphrase (and the recovery key if given),
      decrypt every note and print {"ok": true, "sameKey": bool|null, "notes": [...]} as JSON.
      Exits 1 with {"ok": false, "error": ...} on any failure.
"""

import argparse
import base64
import hashlib
import json
import os
import struct
import sys
import unicodedata
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
import argon2.low_level as argon2_ll

FORMAT_VERSION = 1
LABEL_KEY_WRAP = b"mindstorm/vault/v1/key-wrap"
LABEL_NOTE = b"mindstorm/vault/v1/note"
INFO_NOTE_KEY = b"mindstorm/vault/v1/note-key"
INFO_RECOVERY_KEK = b"mindstorm/vault/v1/recovery-kek"
LABEL_RECOVERY_CHECK = b"mindstorm/vault/v1/recovery-key"
SLOT_PASSPHRASE, SLOT_RECOVERY = 1, 2
KDF_IDS = {"argon2id": 1, "pbkdf2-sha256": 2}
FLAG_RECOVERY = 0x01
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MIN_PADDED = 256
MAX_PAYLOAD = 64 * 1024 * 1024
MAX_SAFE = 2**53 - 1


class VaultFailure(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


# ---------------------------------------------------------------- encodings

def b64e(b):
    return base64.b64encode(b).decode("ascii")


def b64d(s, what="base64"):
    if not isinstance(s, str):
        raise VaultFailure("malformed", f"{what} is not a string")
    try:
        raw = base64.b64decode(s, validate=True)
    except Exception:
        raise VaultFailure("malformed", f"{what} is not base64")
    if b64e(raw) != s:
        raise VaultFailure("malformed", f"{what} is not canonical base64")
    return raw


def lp(text):
    """u16be length || UTF-8 bytes."""
    b = text.encode("utf-8")
    if not 0 < len(b) <= 1024:
        raise VaultFailure("invalid_argument", "identifier length")
    return struct.pack(">H", len(b)) + b


def passphrase_bytes(p):
    return unicodedata.normalize("NFC", p).encode("utf-8")


def canonical_note_id(note_id):
    s = note_id.lower()
    if str(uuid.UUID(s)) != s:
        raise VaultFailure("invalid_argument", "note id is not a canonical UUID")
    return s


# ---------------------------------------------------------------- padding (Padme)

def padme(length):
    e = length.bit_length() - 1          # floor(log2 L)
    s = e.bit_length()                   # floor(log2 E) + 1
    last_bits = e - s
    mask = (1 << last_bits) - 1
    return (length + mask) & ~mask


def padded_size(n):
    return padme(max(n, MIN_PADDED))


def pad(content):
    n = 4 + len(content)
    if n > MAX_PAYLOAD:
        raise VaultFailure("invalid_argument", "note too large")
    out = struct.pack(">I", len(content)) + content
    return out + b"\x00" * (padded_size(n) - n)


def unpad(buf):
    if len(buf) < 4:
        raise VaultFailure("malformed", "padding")
    (length,) = struct.unpack(">I", buf[:4])
    n = 4 + length
    if n > len(buf) or n > MAX_PAYLOAD or padded_size(n) != len(buf) or any(buf[n:]):
        raise VaultFailure("malformed", "padding")
    return buf[4:n]


# ---------------------------------------------------------------- KDF

def check_kdf(kdf):
    name = kdf.get("name")
    if name == "argon2id":
        m, t, p = kdf["memoryKiB"], kdf["iterations"], kdf["parallelism"]
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in (m, t, p)):
            raise VaultFailure("malformed", "argon2id params")
        if m < 19456 or t < 2:
            raise VaultFailure("weak_kdf", "argon2id below floor")
        if m > 1024 * 1024 or t > 16 or p > 16:
            raise VaultFailure("kdf_limits", "argon2id too large")
    elif name == "pbkdf2-sha256":
        t = kdf["iterations"]
        if not isinstance(t, int) or isinstance(t, bool) or t < 1:
            raise VaultFailure("malformed", "pbkdf2 params")
        if t < 600_000:
            raise VaultFailure("weak_kdf", "pbkdf2 below floor")
        if t > 10_000_000:
            raise VaultFailure("kdf_limits", "pbkdf2 too large")
    else:
        raise VaultFailure("unsupported_kdf", repr(name))
    return kdf


def derive_kek(passphrase, kdf, salt):
    check_kdf(kdf)
    pw = passphrase_bytes(passphrase)
    if kdf["name"] == "argon2id":
        return argon2_ll.hash_secret_raw(pw, salt, time_cost=kdf["iterations"], memory_cost=kdf["memoryKiB"],
                                         parallelism=kdf["parallelism"], hash_len=32, type=argon2_ll.Type.ID,
                                         version=19)
    return hashlib.pbkdf2_hmac("sha256", pw, salt, kdf["iterations"], 32)


def kdf_aad(kdf, salt):
    if kdf["name"] == "argon2id":
        return struct.pack(">BIII", 1, kdf["memoryKiB"], kdf["iterations"], kdf["parallelism"]) + salt
    return struct.pack(">BIII", 2, 0, kdf["iterations"], 0) + salt


def passphrase_wrap_aad(kdf, salt, user_id):
    return LABEL_KEY_WRAP + bytes([FORMAT_VERSION, SLOT_PASSPHRASE]) + kdf_aad(kdf, salt) + lp(user_id)


def recovery_wrap_aad(recovery_salt, user_id):
    return LABEL_KEY_WRAP + bytes([FORMAT_VERSION, SLOT_RECOVERY]) + recovery_salt + lp(user_id)


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


# ---------------------------------------------------------------- recovery key

def format_recovery_key(key):
    data = key + hashlib.sha256(LABEL_RECOVERY_CHECK + key).digest()[:3]
    n = int.from_bytes(data, "big")          # 280 bits -> 56 characters
    chars = "".join(CROCKFORD[(n >> (5 * (55 - i))) & 31] for i in range(56))
    return "-".join(chars[i:i + 4] for i in range(0, 56, 4))


def parse_recovery_key(text):
    clean = "".join(c for c in text.upper() if c not in " \t\r\n-").replace("O", "0").replace("I", "1").replace("L", "1")
    if len(clean) != 56 or any(c not in CROCKFORD for c in clean):
        raise VaultFailure("invalid_recovery_key", "length or character")
    n = 0
    for c in clean:
        n = (n << 5) | CROCKFORD.index(c)
    data = n.to_bytes(35, "big")
    key, check = data[:32], data[32:]
    if hashlib.sha256(LABEL_RECOVERY_CHECK + key).digest()[:3] != check:
        raise VaultFailure("invalid_recovery_key", "checksum")
    return key


# ---------------------------------------------------------------- header

def build_header(vault_key, passphrase, user_id, kdf, kdf_salt, iv_p, recovery=None):
    """recovery: (recovery_key_bytes, recovery_salt, iv_r) or None."""
    kek = derive_kek(passphrase, kdf, kdf_salt)
    ct_p = AESGCM(kek).encrypt(iv_p, vault_key, passphrase_wrap_aad(kdf, kdf_salt, user_id))
    blob = bytes([FORMAT_VERSION, FLAG_RECOVERY if recovery else 0]) + iv_p + ct_p
    if recovery:
        rkey, rsalt, iv_r = recovery
        ct_r = AESGCM(hkdf(rkey, rsalt, INFO_RECOVERY_KEK)).encrypt(iv_r, vault_key, recovery_wrap_aad(rsalt, user_id))
        blob += rsalt + iv_r + ct_r
    if kdf["name"] == "argon2id":
        params = {"memoryKiB": kdf["memoryKiB"], "iterations": kdf["iterations"], "parallelism": kdf["parallelism"]}
    else:
        params = {"iterations": kdf["iterations"]}
    header = {"wrappedKey": b64e(blob), "kdf": {"name": kdf["name"], "salt": b64e(kdf_salt), "params": params}}
    return header, kek


def parse_header(header):
    if set(header) != {"wrappedKey", "kdf"}:
        raise VaultFailure("malformed", "header members")
    blob = b64d(header["wrappedKey"], "wrappedKey")
    if not blob or blob[0] != FORMAT_VERSION:
        raise VaultFailure("unsupported_version", "header version")
    k = header["kdf"]
    if k.get("name") not in KDF_IDS:
        raise VaultFailure("unsupported_kdf", "kdf name")
    want = {"memoryKiB", "iterations", "parallelism"} if k["name"] == "argon2id" else {"iterations"}
    if set(k) != {"name", "salt", "params"} or set(k["params"]) != want:
        raise VaultFailure("malformed", "kdf members")
    kdf = check_kdf(dict(k["params"], name=k["name"]))
    salt = b64d(k["salt"], "kdf.salt")
    if len(salt) != 16:
        raise VaultFailure("malformed", "kdf salt length")
    flags = blob[1] if len(blob) > 1 else 0xFF
    if flags & ~FLAG_RECOVERY:
        raise VaultFailure("malformed", "flags")
    if len(blob) != (138 if flags & FLAG_RECOVERY else 62):
        raise VaultFailure("malformed", "wrappedKey length")
    parsed = {"kdf": kdf, "salt": salt, "iv_p": blob[2:14], "ct_p": blob[14:62]}
    if flags & FLAG_RECOVERY:
        parsed.update(rsalt=blob[62:78], iv_r=blob[78:90], ct_r=blob[90:138])
    return parsed


def unlock(header, passphrase, user_id):
    h = parse_header(header)
    kek = derive_kek(passphrase, h["kdf"], h["salt"])
    try:
        return AESGCM(kek).decrypt(h["iv_p"], h["ct_p"], passphrase_wrap_aad(h["kdf"], h["salt"], user_id))
    except InvalidTag:
        raise VaultFailure("unlock_failed", "passphrase")


def unlock_recovery(header, recovery_key, user_id):
    h = parse_header(header)
    if "rsalt" not in h:
        raise VaultFailure("unlock_failed", "no recovery wrap")
    kek = hkdf(parse_recovery_key(recovery_key), h["rsalt"], INFO_RECOVERY_KEK)
    try:
        return AESGCM(kek).decrypt(h["iv_r"], h["ct_r"], recovery_wrap_aad(h["rsalt"], user_id))
    except InvalidTag:
        raise VaultFailure("unlock_failed", "recovery key")


# ---------------------------------------------------------------- notes

def note_aad(revision, user_id, note_id):
    return LABEL_NOTE + bytes([FORMAT_VERSION]) + struct.pack(">Q", revision) + lp(user_id) + lp(canonical_note_id(note_id))


def encrypt_note(vault_key, user_id, note_id, revision, plaintext, salt, iv):
    obj = {"revision": revision}
    if "title" in plaintext:
        obj["title"] = plaintext["title"]
    obj["body"] = plaintext["body"]
    payload = pad(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    key = hkdf(vault_key, salt, INFO_NOTE_KEY)
    sealed = AESGCM(key).encrypt(iv, payload, note_aad(revision, user_id, note_id))
    return {"ciphertext": b64e(bytes([FORMAT_VERSION]) + struct.pack(">Q", revision) + sealed),
            "iv": b64e(iv), "salt": b64e(salt)}


def decrypt_note(vault_key, user_id, note_id, record):
    ct, iv, salt = b64d(record["ciphertext"]), b64d(record["iv"]), b64d(record["salt"])
    if not ct or ct[0] != FORMAT_VERSION:
        raise VaultFailure("unsupported_version", "note version")
    if len(iv) != 12 or len(salt) != 32 or len(ct) < 9 + 16:
        raise VaultFailure("malformed", "note field lengths")
    (revision,) = struct.unpack(">Q", ct[1:9])
    if revision > MAX_SAFE:
        raise VaultFailure("malformed", "revision range")
    try:
        padded = AESGCM(hkdf(vault_key, salt, INFO_NOTE_KEY)).decrypt(iv, ct[9:], note_aad(revision, user_id, note_id))
    except InvalidTag:
        raise VaultFailure("decrypt_failed", "note")
    obj = json.loads(unpad(padded).decode("utf-8"))
    if obj.get("revision") != revision or not isinstance(obj.get("body"), str):
        raise VaultFailure("malformed", "payload")
    out = {"body": obj["body"]}
    if "title" in obj:
        out["title"] = obj["title"]
    return out, revision


# ---------------------------------------------------------------- self-checks against published vectors

def rfc9106_argon2id_ok():
    """RFC 9106 section 5.3 (needs secret and associated data, so it goes through libargon2's argon2_ctx)."""
    try:
        from argon2._ffi import ffi, lib
    except ImportError:
        return None
    keep = []

    def buf(b):
        c = ffi.new("uint8_t[]", b)
        keep.append(c)
        return c
    out = ffi.new("uint8_t[]", 32)
    ctx = ffi.new("argon2_context *")
    ctx.out, ctx.outlen = out, 32
    ctx.pwd, ctx.pwdlen = buf(b"\x01" * 32), 32
    ctx.salt, ctx.saltlen = buf(b"\x02" * 16), 16
    ctx.secret, ctx.secretlen = buf(b"\x03" * 8), 8
    ctx.ad, ctx.adlen = buf(b"\x04" * 12), 12
    ctx.t_cost, ctx.m_cost, ctx.lanes, ctx.threads, ctx.version = 3, 32, 4, 4, 0x13
    ctx.allocate_cbk = ctx.free_cbk = ffi.NULL
    ctx.flags = 0
    if lib.argon2_ctx(ctx, lib.Argon2_id) != 0:
        return False
    return bytes(ffi.buffer(out, 32)).hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def self_check():
    rfc = rfc9106_argon2id_ok()
    if rfc is False:
        raise SystemExit("argon2 (libargon2) fails the RFC 9106 Argon2id vector")
    # RFC 5869 test case 1 (HKDF-SHA256), McGrew-Viega GCM test case 16 (AES-256), RFC 7914 section 11 (PBKDF2).
    okm = HKDF(algorithm=hashes.SHA256(), length=42, salt=bytes(range(13)), info=bytes(range(0xF0, 0xFA))).derive(b"\x0b" * 22)
    assert okm.hex() == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    assert hashlib.pbkdf2_hmac("sha256", b"passwd", b"salt", 1, 64).hex().startswith("55ac046e56e3089fec1691c22544b605")
    assert padme(256) == 256 and padme(257) == 272 and padme(1000) == 1024 and padme(65537) == 67584
    return rfc


# ---------------------------------------------------------------- modes

def generate(out_path):
    rfc = self_check()
    argon_kats = []
    for pw, salt, m, t, p in [
        (b"password", b"somesalt", 65536, 2, 1),                    # the reference implementation's test.c vector
        (b"correct horse battery staple", b"\x00" * 16, 19456, 2, 1),
        (bytes(range(32)), bytes(range(100, 116)), 19456, 2, 4),
        (b"p\xc3\xa4ssw\xc3\xb6rd", bytes(range(16)), 65536, 3, 4),  # the vault default parameters
    ]:
        tag = argon2_ll.hash_secret_raw(pw, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=32,
                                        type=argon2_ll.Type.ID, version=19)
        argon_kats.append({"passwordHex": pw.hex(), "saltHex": salt.hex(), "memoryKiB": m, "iterations": t,
                           "parallelism": p, "hashLength": 32, "tagHex": tag.hex()})

    floor_kdf = {"name": "argon2id", "memoryKiB": 19456, "iterations": 2, "parallelism": 1}
    pbkdf2_kdf = {"name": "pbkdf2-sha256", "iterations": 600_000}
    specs = [
        {
            "description": "argon2id at the floor, with a recovery key; passphrase is non-ASCII (NFC)",
            "userId": "5b0c3f0e-8a52-4c1e-9d3b-2f6a7c1d9e40",
            "passphrase": unicodedata.normalize("NFC", "Crème brûlée — correct horse 🐎"),
            "kdf": floor_kdf,
            "recovery": True,
            "notes": [
                ({"title": "Shopping", "body": "milk, eggs"}, 1),
                ({"body": ""}, 7),
                ({"title": "", "body": "Unicode: ümlaut 日本語 🎉 \"quotes\" \\ back\nslash\ttab \u0001"}, 2**40),
                ({"title": "long", "body": "lorem ipsum dolor sit amet " * 400}, 3),
            ],
        },
        {
            "description": "pbkdf2-sha256 at 600,000 iterations, without a recovery key",
            "userId": "user-42@example.test",
            "passphrase": "hunter2 but much longer",
            "kdf": pbkdf2_kdf,
            "recovery": False,
            "notes": [({"title": "pbkdf2 note", "body": "written by Python"}, 1)],
        },
    ]
    vaults = []
    for spec in specs:
        vault_key = os.urandom(32)
        kdf_salt, iv_p = os.urandom(16), os.urandom(12)
        recovery = None
        recovery_text = None
        if spec["recovery"]:
            rkey = os.urandom(32)
            recovery = (rkey, os.urandom(16), os.urandom(12))
            recovery_text = format_recovery_key(rkey)
        header, kek = build_header(vault_key, spec["passphrase"], spec["userId"], spec["kdf"], kdf_salt, iv_p, recovery)
        assert unlock(header, spec["passphrase"], spec["userId"]) == vault_key
        if recovery_text:
            assert unlock_recovery(header, recovery_text, spec["userId"]) == vault_key
        notes = []
        for plaintext, revision in spec["notes"]:
            note_id = str(uuid.uuid4())
            record = encrypt_note(vault_key, spec["userId"], note_id, revision, plaintext, os.urandom(32), os.urandom(12))
            assert decrypt_note(vault_key, spec["userId"], note_id, record) == (plaintext, revision)
            notes.append({"noteId": note_id, "revision": revision, "plaintext": plaintext, "record": record})
        entry = {
            "description": spec["description"],
            "userId": spec["userId"],
            "passphrase": spec["passphrase"],
            "passphraseNfd": unicodedata.normalize("NFD", spec["passphrase"]),
            "recoveryKey": recovery_text,
            "header": header,
            "secrets": {"vaultKeyHex": vault_key.hex(), "kekHex": kek.hex(),
                        "recoveryKeyHex": recovery[0].hex() if recovery else None},
            "notes": notes,
        }
        vaults.append(entry)

    doc = {
        "about": "MindStorm vault format v1 test vectors made by scripts/vault-vectors.py (Python cryptography + "
                 "argon2-cffi), independent of src/vault. Secrets are test-only. Regenerate with "
                 "/usr/bin/python3 scripts/vault-vectors.py",
        "formatVersion": FORMAT_VERSION,
        "rfc9106Argon2idCheckedByPython": rfc,
        "argon2id": argon_kats,
        "vaults": vaults,
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {out_path}")


def decrypt_file(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    try:
        user_id = doc["userId"]
        key = unlock(doc["header"], doc["passphrase"], user_id)
        same = None
        if doc.get("recoveryKey"):
            same = unlock_recovery(doc["header"], doc["recoveryKey"], user_id) == key
        notes = []
        for n in doc["notes"]:
            plaintext, revision = decrypt_note(key, user_id, n["noteId"], n["record"])
            notes.append(dict(plaintext, noteId=n["noteId"], revision=revision))
        result = {"ok": True, "sameKey": same, "notes": notes}
        code = 0
    except VaultFailure as e:
        result, code = {"ok": False, "error": e.code}, 1
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
    return code


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "test", "fixtures", "vault", "python-vectors.json"))
    ap.add_argument("--decrypt", metavar="FILE")
    args = ap.parse_args()
    if args.decrypt:
        sys.exit(decrypt_file(args.decrypt))
    generate(os.path.normpath(args.out))


if __name__ == "__main__":
    main()
