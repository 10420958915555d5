"""Container image references: parse, validate and rewrite `domain/path:tag@digest`.

The grammar is the Docker distribution reference grammar: an optional domain (a host name with a
dot or a port, or `localhost`), a lower-case path of `/`-separated components, an optional tag
`[\\w][\\w.-]{0,127}` and an optional `sha256:` digest of 64 lower-case hex digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mtx_gitops.errors import UserError

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|-+)"
_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"sha256:[0-9a-f]{64}"

_PATH_RE = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_DOMAIN_RE = re.compile(_DOMAIN)
_TAG_RE = re.compile(_TAG)
_DIGEST_RE = re.compile(_DIGEST)

MAX_NAME_LENGTH = 255
DEFAULT_DOMAIN = "docker.io"


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference; `repository` is the name as written (domain and path)."""

    repository: str
    tag: str | None = None
    digest: str | None = None

    def __str__(self) -> str:
        text = self.repository
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text

    @property
    def canonical_repository(self) -> str:
        """The repository fully qualified as Docker resolves it: `nginx` is `docker.io/library/nginx`."""
        first, _, rest = self.repository.partition("/")
        if not rest or not _is_domain(first):
            domain, path = DEFAULT_DOMAIN, self.repository
        else:
            domain, path = first, rest
        if domain == "index.docker.io":
            domain = DEFAULT_DOMAIN
        if domain == DEFAULT_DOMAIN and "/" not in path:
            path = f"library/{path}"
        return f"{domain}/{path}"

    def same_repository(self, other: ImageRef) -> bool:
        """True when both name the same repository, whatever their tags and digests."""
        return self.canonical_repository == other.canonical_repository

    def with_tag(self, tag: str) -> ImageRef:
        """This repository at another tag; the digest is dropped, since it pinned the old image."""
        return replace(self, tag=_checked(tag, _TAG_RE, what="tag"), digest=None)

    def with_version(self, *, tag: str | None, digest: str | None) -> ImageRef:
        """This repository with its tag and digest both replaced (either may be None)."""
        return replace(self, tag=tag, digest=digest)


def _is_domain(component: str) -> bool:
    # Docker's rule: the first component is a registry when it looks like a host, not a path.
    return "." in component or ":" in component or component == "localhost" or component != component.lower()


def _checked(text: str, pattern: re.Pattern[str], *, what: str) -> str:
    if pattern.fullmatch(text) is None:
        raise UserError(f"invalid image {what} {text!r}")
    return text


def _invalid(text: str) -> UserError:
    return UserError(f"invalid image reference {text!r}")


def _split_version(text: str, *, whole: str) -> tuple[str, str | None, str | None]:
    """Split `name:tag@digest` into its three parts, validating tag and digest."""
    name, at, digest = text.partition("@")
    if at and _DIGEST_RE.fullmatch(digest) is None:
        raise _invalid(whole)
    tag: str | None = None
    # A colon after the last slash starts the tag; one before it belongs to a registry port.
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
        if _TAG_RE.fullmatch(tag) is None:
            raise _invalid(whole)
    return name, tag, digest if at else None


def parse_image(text: str) -> ImageRef:
    """Parse a full reference such as `ghcr.io/finos/traderx/trade-service:v2`; UserError if invalid."""
    if not isinstance(text, str) or not text:
        raise _invalid(text if isinstance(text, str) else str(text))
    name, tag, digest = _split_version(text, whole=text)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise _invalid(text)
    first, slash, rest = name.partition("/")
    path = name
    if slash and _is_domain(first):
        if _DOMAIN_RE.fullmatch(first) is None:
            raise _invalid(text)
        path = rest
    if _PATH_RE.fullmatch(path) is None:
        raise _invalid(text)
    return ImageRef(name, tag, digest)


def parse_version(text: str) -> tuple[str | None, str | None]:
    """Parse a bare `:tag`, `@sha256:…` or `:tag@sha256:…` into (tag, digest); UserError if invalid."""
    if not isinstance(text, str) or not text.startswith((":", "@")) or text in (":", "@"):
        raise _invalid(str(text))
    name, tag, digest = _split_version(text, whole=text)
    if name or (text.startswith(":") and tag is None):
        raise _invalid(text)
    return tag, digest


def is_version_only(text: str) -> bool:
    """True when `text` names only a tag and/or digest (`:v2`, `@sha256:…`), not a repository."""
    return text.startswith((":", "@"))
