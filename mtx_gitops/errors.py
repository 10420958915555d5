"""The one error tree of mtx and its mapping to exit codes (SPEC §2).

0 ok; 1 refused or failed; 2 bad input or usage; 3 internal error; 130 interrupted.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class MtxWarning(UserWarning):
    """Something a command did not fail on but a user should know (shown as `warning: ...` on stderr)."""


class MtxError(Exception):
    """Base of every error mtx raises on purpose. The message is one line naming the thing at fault."""

    exit_code = EXIT_INTERNAL


class UserError(MtxError):
    """Bad input or usage: an invalid slug, WHERE syntax, patch, YAML or flag."""

    exit_code = EXIT_BAD_INPUT


class InvalidSlugError(UserError):
    """A space, unit or target name that is not a DNS-1123 label."""


class YamlError(UserError):
    """Malformed, hostile or non-Kubernetes YAML."""


class PatchError(UserError):
    """A patch that cannot be parsed or applied."""


class WhereError(UserError):
    """A WHERE expression that does not parse or does not type-check."""


class InvalidDocumentsError(UserError):
    """A write whose result holds documents the Kubernetes schemas refuse; nothing was written.

    `lines` name one invalid document each (what is wrong, where, what is expected); `findings` are
    the same as data, for `-o json`.
    """

    def __init__(self, message: str, lines: list[str], findings: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.lines = lines
        self.findings = findings


class RefusedError(MtxError):
    """The operation was understood but refused: it would do harm or cannot be done now."""

    exit_code = EXIT_REFUSED


class NotFoundError(RefusedError):
    """A space, unit, target, changeset or revision that does not exist."""


class AlreadyExistsError(RefusedError):
    """Something that would be created exists already."""


class DirtyCheckoutError(RefusedError):
    """The user has uncommitted edits to a file the operation would change."""


class ConflictError(RefusedError):
    """A merge conflict under `--on-conflict fail`, or a changeset that no longer applies."""

    def __init__(self, message: str, conflicts: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.conflicts = conflicts or []


class RefMovedError(RefusedError):
    """The branch moved under us more times than we are willing to retry."""


class LockedError(RefusedError):
    """Another process holds a lock mtx needs (another mtx, or a stale git index.lock)."""


class GitError(RefusedError):
    """git refused an operation (read-only repository, disk full, corrupt object...)."""


class ClusterError(RefusedError):
    """The cluster rejected an object or could not be reached."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class UnhealthyError(RefusedError):
    """Delivered objects did not become Healthy (one was Degraded, or the wait timed out)."""

    def __init__(self, message: str, objects: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.objects = objects or []


class InternalError(MtxError):
    """A bug in mtx. The message says so."""

    exit_code = EXIT_INTERNAL


def exit_code_for(error: BaseException) -> int:
    """The exit code for any exception: the one place errors become exit codes."""
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, MtxError):
        return error.exit_code
    return EXIT_INTERNAL


def error_lines(error: BaseException) -> list[str]:
    """What is printed for an error: one line, or for invalid documents one line per document (the
    last one also saying what happened to the write)."""
    lines = getattr(error, "lines", None) if isinstance(error, InvalidDocumentsError) else None
    if not lines:
        return [one_line(error)]
    return [f"error: {' '.join(line.split())}" for line in lines[:-1]] + [
        f"error: {' '.join(lines[-1].split())} ({' '.join(str(error).split())})"
    ]


def one_line(error: BaseException) -> str:
    """The one line printed for an error; internal errors say they are a bug."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, MtxError) and not isinstance(error, InternalError):
        return f"error: {text}"
    return f"internal error (a bug in mtx, please report it): {type(error).__name__}: {text}"
