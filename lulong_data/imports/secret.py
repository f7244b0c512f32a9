"""The county secret and what is made with it: pseudonyms for ID numbers.

A person's 证件号码 never leaves the import: sex and birth year are read from it, then it is replaced by
``P`` + 20 hex digits of HMAC-SHA256(secret, the 18-digit number). The same number gives the same
pseudonym in every export (so the monitoring export and the 民政 roster join), and without the secret
nobody can test a guessed number against a pseudonym (a plain hash of an 18-digit number with a known
area code and birth date is brute-forced in minutes).

The secret is 32 random bytes written as 64 hex digits in one file outside the data folder
(``LULONG_SECRET_FILE``, default ``<LULONG_STATE_DIR>/pseudonym.key``), mode 600. Only ``python -m
lulong_data secret init`` creates it; every import refuses to run without it, because a lost secret
silently replaced would re-key everyone (the new pseudonyms would match nothing of last week).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32
PSEUDONYM_HEX = 20  # 80 bits: no collision in any county (or province) roll
_KEY_TEXT = re.compile(r"[0-9a-f]{64}")

# GB 11643-1999: weights and check characters of the 18-digit citizen ID number.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
ID18 = re.compile(r"\d{17}[\dX]")
ID15 = re.compile(r"\d{15}")


class SecretError(RuntimeError):
    """The secret is missing, unreadable or malformed. The message never contains the secret."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Secret:
    """A loaded county secret. ``repr`` never shows the key."""

    key: bytes
    path: Path

    def __repr__(self) -> str:
        return f"Secret(path={str(self.path)!r})"

    def pseudonym(self, number: str, prefix: str = "P") -> str:
        """The pseudonym of one normalised personal number (see :func:`normalise_id`)."""
        digest = hmac.new(self.key, number.encode("utf-8"), hashlib.sha256).hexdigest()
        return prefix + digest[:PSEUDONYM_HEX]

    def pseudonyms(self, numbers: Iterable[str], prefix: str = "P") -> dict[str, str]:
        """:meth:`pseudonym` of many numbers (100,000 in a county's export) at once: number -> pseudonym.

        The same HMAC-SHA256 (RFC 2104), with the key's inner and outer hashes made once and copied per
        number instead of derived again for each; checked against :mod:`hmac` on the first number."""
        block = hashlib.sha256().block_size
        key = self.key if len(self.key) <= block else hashlib.sha256(self.key).digest()
        key = key.ljust(block, b"\0")
        inner0 = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        outer0 = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        half = PSEUDONYM_HEX // 2
        out = {}
        for number in numbers:
            inner = inner0.copy()
            inner.update(number.encode("utf-8"))
            outer = outer0.copy()
            outer.update(inner.digest())
            out[number] = prefix + outer.digest()[:half].hex()
        if out:
            first = next(iter(out))
            if out[first] != self.pseudonym(first, prefix):  # never a silent re-keying
                raise RuntimeError("pseudonyms: the batch HMAC differs from hmac.new")
        return out


def _init_hint(path: Path) -> tuple[str, str]:
    return (
        f"请由管理员在服务器上运行 `python -m lulong_data secret init` 创建(位置:{path},"
        "由 LULONG_SECRET_FILE 设置,不得放在数据文件夹内)",
        f"an administrator creates it on the server with `python -m lulong_data secret init` (path: "
        f"{path}, set by LULONG_SECRET_FILE; never inside the data folder)",
    )


def load(path: Path) -> Secret:
    """Read the secret, or raise :class:`SecretError` saying what is wrong and what to do."""
    path = Path(path)
    hint_zh, hint_en = _init_hint(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SecretError(
            f"本县假名密钥不存在,无法导入(身份证号必须先替换为假名)。{hint_zh}",
            f"The county's pseudonym secret does not exist, so nothing can be imported (ID numbers must "
            f"be replaced by pseudonyms first); {hint_en}",
        ) from None
    except OSError as exc:
        raise SecretError(
            f"无法读取本县假名密钥 {path}:{exc.strerror}",
            f"Cannot read the county's pseudonym secret {path}: {exc.strerror}",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise SecretError(
            f"本县假名密钥 {path} 不是普通文件", f"The county's pseudonym secret {path} is not a regular file"
        )
    if info.st_mode & 0o077:
        raise SecretError(
            f"本县假名密钥 {path} 的权限过宽({stat.filemode(info.st_mode)}),其他用户可以读取;"
            f"请运行 chmod 600 {path}",
            f"The county's pseudonym secret {path} can be read by other users "
            f"({stat.filemode(info.st_mode)}); run chmod 600 {path}",
        )
    try:
        text = path.read_bytes().decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = None
    if text is None or not _KEY_TEXT.fullmatch(text):
        # Say what the file should hold, never what it holds.
        raise SecretError(
            f"本县假名密钥 {path} 格式不对(应为一行 64 位十六进制数字),可能已损坏。不要重新生成:"
            "新密钥会使所有假名与以前的数据对不上;请从备份恢复原文件",
            f"The county's pseudonym secret {path} is malformed (it must hold one line of 64 hex digits); "
            "it may be damaged. Do not make a new one: every pseudonym would stop matching earlier data; "
            "restore the file from a backup",
        )
    return Secret(bytes.fromhex(text), path)


def init(path: Path) -> Path:
    """Create a new secret with mode 600; refuse when one exists (re-keying must be deliberate)."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise SecretError(
            f"本县假名密钥已存在:{path}。未作任何改动(重新生成会使所有假名与以前的数据对不上)",
            f"The county's pseudonym secret already exists: {path}. Nothing was changed (a new secret "
            "would make every pseudonym stop matching earlier data)",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets.token_bytes(KEY_BYTES).hex() + "\n"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask says
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if someone created it meanwhile: never overwrite a secret
    finally:
        tmp.unlink(missing_ok=True)
    return path


def inside(path: Path, folder: Path) -> bool:
    """``path`` lies in ``folder`` (after resolving links)."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError):
        return False
    return True


# -- ID numbers ---------------------------------------------------------------------------------


def check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def to18(number15: str) -> str:
    """An old 15-digit number as its 18-digit form (born 19YY; check character computed)."""
    body = number15[:6] + "19" + number15[6:]
    return body + check_char(body)


def normalise_id(text: str) -> tuple[str, str]:
    """(normalised number, kind): kind is ``"18"`` (valid check character), ``"18?"`` (18 digits but a wrong
    check character: a typo somewhere), ``"15"`` (converted to 18 digits) or ``"other"`` (another
    document number, kept upper-cased without blanks)."""
    t = re.sub(r"[\s\u3000'\"‘’`]+", "", str(text)).upper()
    t = t.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    if t.endswith(".0") and t[:-2].isdigit():  # a number Excel stored as a float
        t = t[:-2]
    if ID18.fullmatch(t):
        return t, "18" if check_char(t[:17]) == t[17] else "18?"
    if ID15.fullmatch(t):
        return to18(t), "15"
    return t, "other"


def born_and_sex(number18: str) -> tuple[int | None, str | None]:
    """Birth year and sex (男/女) from an 18-digit number; None where the digits make no sense."""
    if not ID18.fullmatch(number18):
        return None, None
    year, month, day = int(number18[6:10]), int(number18[10:12]), int(number18[12:14])
    ok = 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31
    return (year if ok else None), ("男" if int(number18[16]) % 2 else "女")
