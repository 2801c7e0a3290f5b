"""A name is claimed, then held: who a student is, as something they hold rather than something they say.

The first session to take a display name gets that name's key: 128 random bits, given once and kept by
the browser (the app puts it in the page's address). The server keeps only the key's SHA-256, in
`class-names.json` in the checkpoints folder beside the class limits, so held names outlive a restart
and the file alone lets nobody take a name. Another session asking for a held name must bring its key
(compared in constant time); the teacher can release a name whose link was lost, and then the next
session to ask takes it afresh. A name claimed by a teacher's session may be taken again by any
teacher's session: whoever unlocks teacher mode already manages every run.

What a key protects: the runs of its name (stop, resume, rename, delete) and its place on the class
board. It is not a password-protected account: a shared link is a shared identity.

The teacher's own secret is a `TeacherPass`: a token the server makes when the password is given,
kept only in this process's memory (so a restart ends it) and in the teacher's browser, never in an
address a projector shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from ..errors import AccessError, CheckpointError, ConfigError, GanLabError
from ..runs.checkpoints import atomic_write
from .access import Actor, validate_person_name
from .audit import AuditLog, now_iso

try:
    import fcntl
except ImportError:  # Windows: one server process, kept consistent by the thread lock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

NAMES_FILE = "class-names.json"
KEY_BYTES = 16  # 128 bits
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # what secrets.token_urlsafe(16) gives: 22 URL-safe characters
TEACHER_TOKEN_BYTES = 32
MAX_ROSTER = 200  # names in one pasted roster: a class, or a few
ROSTER_PROBLEMS = ("roster_invalid", "roster_duplicate", "roster_held", "roster_empty", "roster_too_long")


def name_id(name: str) -> str:
    """What makes two names the same name: case and repeated spaces do not ("Anna" is "anna")."""
    return " ".join(name.split()).casefold()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


@dataclass(frozen=True)
class Claim:
    """A held name: as it was first written, the SHA-256 of its key, when, and whether a teacher holds it."""

    name: str
    digest: str
    claimed: str
    teacher: bool = False


class NameClaims:
    """The held names of one checkpoints folder. Safe from any thread; the file is re-read only when it changes."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.path = self.root / NAMES_FILE
        self.audit = AuditLog(self.root)
        self._lock = threading.RLock()
        self._cache: tuple[tuple[int, int], dict[str, Claim]] | None = None

    # --- asking -------------------------------------------------------------------------------
    def held(self, name: str) -> Claim | None:
        """The claim on that name (any spelling of it), or None when it is free."""
        return self._claims().get(name_id(name))

    def claims(self) -> list[Claim]:
        """Every held name, in the order of their names."""
        return sorted(self._claims().values(), key=lambda claim: name_id(claim.name))

    def verify(self, name: str, key: str) -> str:
        """The held name as first written, when `key` is its key. Raises AccessError (one line, without the key)
        when the key is damaged (a cut link), is another name's, or the name is not held."""
        claim = self.held(validate_person_name(name))
        if claim is None:
            raise AccessError(f"nobody holds the name {name!r}; take it by typing it", code="name_free", name=name)
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise AccessError(f"the key in the link for {claim.name!r} is incomplete or damaged; open the whole link "
                              "again, or ask the teacher to release the name", code="key_malformed", name=claim.name)
        if not hmac.compare_digest(_digest(key), claim.digest):
            raise AccessError(f"the key in the link is not the key of {claim.name!r}; open your own link, or ask the "
                              "teacher to release the name", code="key_wrong", name=claim.name)
        return claim.name

    def holds(self, name: str, key: str | None) -> bool:
        """Whether `key` is the key of that held name (no error: for a check on every page run)."""
        if not key:
            return False
        try:
            self.verify(name, key)
        except GanLabError:
            return False
        return True

    # --- changing -------------------------------------------------------------------------------
    def claim(self, name: str, teacher: bool = False) -> tuple[str, str]:
        """Take a free name: returns (the name, its new key). The key is given only here, once.
        A held name is refused (AccessError "name_held"); an invalid one is a ConfigError."""
        name = validate_person_name(name)
        with self._changing() as claims:
            if name_id(name) in claims:
                raise AccessError(f"the name {claims[name_id(name)].name!r} is already taken by someone else; choose "
                                  "another name, or open your own link", code="name_held", name=claims[name_id(name)].name)
            key = new_key()
            claims[name_id(name)] = Claim(name, _digest(key), now_iso(), teacher)
        return name, key

    def take_as_teacher(self, name: str, key: str | None = None) -> tuple[str, str]:
        """A teacher's session takes a name: a free one, one a teacher's session claimed before (the teacher's own
        name after a restart), or one it holds the key of (the name it had before unlocking). A new key replaces
        the old, so a key the projector showed before opens nothing. Anyone else's name is refused."""
        name = validate_person_name(name)
        with self._changing() as claims:
            held = claims.get(name_id(name))
            own = held is not None and key is not None and KEY_PATTERN.fullmatch(key) is not None and \
                hmac.compare_digest(_digest(key), held.digest)
            if held is not None and not held.teacher and not own:
                raise AccessError(f"the name {held.name!r} is already taken by a student; release it first, or choose "
                                  "another name", code="name_held", name=held.name)
            name = held.name if held is not None else name
            key = new_key()
            claims[name_id(name)] = Claim(name, _digest(key), now_iso(), True)
        return name, key

    def release(self, name: str, by: Actor | None = None) -> str:
        """Free a held name (its old key stops working; the next session to ask takes it). Teacher only."""
        _teacher_only(by, "release a name")
        with self._changing() as claims:
            held = claims.pop(name_id(name), None)
            if held is None:
                raise AccessError(f"nobody holds the name {name!r}", code="name_free", name=name)
        self.audit.write(by, "release", name=held.name)
        return held.name

    def issue_roster(self, text: str, by: Actor | None = None, renew: bool = False) -> list[tuple[str, str]]:
        """Claim every name of a pasted roster (one a line) and return (name, key) pairs in its order, for the
        teacher's sheet of join links. All or nothing: when any line is a problem (`check_roster`), nothing
        is claimed and RosterError lists them all. `renew`: names already held get a new key (their old links
        stop working) instead of being a problem."""
        _teacher_only(by, "hand out join links")
        with self._changing() as claims:
            names, problems = check_roster(text, claims, renew)
            if problems:
                raise RosterError(problems)
            issued = []
            for name in names:
                key = new_key()
                claims[name_id(name)] = Claim(name, _digest(key), now_iso(), False)
                issued.append((name, key))
        self.audit.write(by, "roster", names=[name for name, _ in issued])
        return issued

    # --- the file -------------------------------------------------------------------------------
    def _claims(self) -> dict[str, Claim]:
        with self._lock:
            stamp = _stamp(self.path)
            if self._cache is None or self._cache[0] != stamp:
                self._cache = (stamp, self._read())
            return self._cache[1]

    def _read(self) -> dict[str, Claim]:
        """The file's claims; none when there is no file. A damaged file is set aside (renamed, logged) so the
        class can go on: its names are free again and are taken afresh."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {name_id(record["name"]): Claim(str(record["name"]), str(record["digest"]), str(record["claimed"]),
                                                    bool(record.get("teacher", False)))
                    for record in data["names"]}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as error:
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            log.warning("the held names in %s could not be read (%s); set aside as %s, every name is free again",
                        self.path, error, aside.name)
            with contextlib.suppress(OSError):
                self.path.rename(aside)
            return {}

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, Claim]]:
        """The claims to change, read fresh under the thread lock and the folder's lock file, then written
        atomically (a temp file renamed over the old one) when the block ends without an error."""
        with self._lock, _file_lock(self.root / f".{NAMES_FILE}.lock"):
            self._cache = None
            claims = dict(self._claims())
            yield claims
            text = json.dumps({"names": [vars(claim) for claim in sorted(claims.values(), key=lambda c: name_id(c.name))]},
                              indent=1, ensure_ascii=False)
            try:
                atomic_write(self.path, lambda file: file.write(text.encode("utf-8")))
            except OSError as error:  # a read-only folder: the names stay as they were
                raise CheckpointError(f"the held names could not be saved in {self.path.parent} "
                                      f"({error.strerror or error}); nothing changed", code="names_not_saved",
                                      detail=str(error.strerror or error)) from error
            self._cache = None


class RosterError(ConfigError, code="roster"):
    """A pasted roster with problems: one `RosterProblem` per bad line; nothing was claimed."""

    def __init__(self, problems: list["RosterProblem"]):
        super().__init__("; ".join(problem.message for problem in problems), count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterProblem:
    """One line of a roster that cannot get a link: its number (from 1), the name as pasted, and why (a code)."""

    line: int
    name: str
    code: str  # one of ROSTER_PROBLEMS

    @property
    def message(self) -> str:
        reasons = {"roster_invalid": "is not a name the app allows (1-32 letters, digits, spaces, '.', '-', '_')",
                   "roster_duplicate": "is in the list twice", "roster_held": "is already held by a student's link",
                   "roster_empty": "the list has no names", "roster_too_long": f"the list has more than {MAX_ROSTER} names"}
        return f"line {self.line}: {self.name!r} {reasons.get(self.code, self.code)}"


def check_roster(text: str, held: Mapping[str, Claim], renew: bool = False) -> tuple[list[str], list[RosterProblem]]:
    """The names of a pasted roster (blank lines skipped, spaces tidied) and its problems: invalid names,
    a name twice (any spelling), names already held (`held`, by name_id; unless `renew`), an empty or too long list."""
    names: list[str] = []
    problems: list[RosterProblem] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            name = validate_person_name(line)
        except ConfigError:
            problems.append(RosterProblem(number, line.strip(), "roster_invalid"))
            continue
        if name_id(name) in seen:
            problems.append(RosterProblem(number, name, "roster_duplicate"))
            continue
        seen.add(name_id(name))
        if name_id(name) in held and not renew:
            problems.append(RosterProblem(number, name, "roster_held"))
            continue
        names.append(name)
    if not names and not problems:
        problems.append(RosterProblem(0, "", "roster_empty"))
    if len(names) > MAX_ROSTER:
        problems.append(RosterProblem(0, "", "roster_too_long"))
    return names, problems


def _teacher_only(by: Actor | None, what: str) -> None:
    if by is not None and not by.teacher:
        raise AccessError(f"only the teacher can {what}", code="teacher_only")


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a lock file beside the claims (the file itself is replaced by each write)."""
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_registries: dict[Path, NameClaims] = {}
_registries_lock = threading.Lock()


def name_claims(root: str | Path) -> NameClaims:
    """The one NameClaims of a checkpoints folder in this process (its cache shared by every session)."""
    resolved = Path(root).resolve()
    with _registries_lock:
        if resolved not in _registries:
            _registries[resolved] = NameClaims(resolved)
        return _registries[resolved]


# --- the teacher's pass -----------------------------------------------------------------------------
@dataclass
class TeacherPass:
    """What the server knows about one unlocked teacher mode: the teacher's display name and that name's key
    (so a reload gives the same name back), and when it was given. Kept in memory only."""

    name: str
    key: str | None
    issued: float


class TeacherPasses:
    """The teacher passes of this server process: made when the password is given, checked when a browser
    comes back with one, ended by signing out or by the process ending. Only their SHA-256 is kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._passes: dict[str, TeacherPass] = {}

    def issue(self, name: str, key: str | None) -> str:
        token = secrets.token_urlsafe(TEACHER_TOKEN_BYTES)
        with self._lock:
            self._passes[_digest(token)] = TeacherPass(name, key, time.time())
        return token

    def check(self, token: str | None) -> TeacherPass | None:
        """The pass of that token, or None (never given here, signed out, or the server restarted)."""
        if not token or not isinstance(token, str) or len(token) > 256:
            return None
        with self._lock:
            return self._passes.get(_digest(token))

    def update(self, token: str, name: str, key: str | None) -> None:
        """The teacher took another name: a reload gives that one back."""
        with self._lock:
            found = self._passes.get(_digest(token))
            if found is not None:
                found.name, found.key = name, key

    def revoke(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._passes.pop(_digest(token), None)


_teacher_passes = TeacherPasses()


def teacher_passes() -> TeacherPasses:
    """The passes of this process, shared by every session (a restart ends them all)."""
    return _teacher_passes


