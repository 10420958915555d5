"""Bounded authority: git names a worker's targets, the worker decides where they lead.

A worker given `--target-config FILE` delivers only to the targets that file names, with the
credentials (a kubeconfig and context, or the in-cluster service account) or the output root it
gives; what `mtx.yaml` says about credentials is not read. A directory target's path from git
stays under its root. `${VAR}` in `mtx.yaml` expands only variables named by `--allow-env`.
Without a target config a worker resolves targets as `mtx apply` does (local use).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.delivery.deliver import Target
from mtx_gitops.errors import RefusedError, UserError

_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_FORMS = {"kubeconfig": {"kubeconfig", "context"}, "inCluster": {"inCluster"}, "root": {"root"}}

UNBOUNDED_NOTE = (
    "note: no --target-config: delivering to every target mtx.yaml names, with the credentials and paths "
    "it gives (local use); a worker serving a shared repository should get --target-config FILE"
)


@dataclass(frozen=True)
class Grant:
    """What one target name leads to on this worker: a kubeconfig, the in-cluster account, or a root."""

    target: str
    kubeconfig: str | None = None
    context: str | None = None
    in_cluster: bool = False
    root: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.root is not None:
            return {"root": self.root}
        if self.in_cluster:
            return {"inCluster": True}
        return {"kubeconfig": self.kubeconfig, **({"context": self.context} if self.context else {})}


@dataclass(frozen=True)
class Authority:
    """The targets a worker may deliver to, and the environment variables mtx.yaml may read."""

    grants: Mapping[str, Grant] | None = None  # None: every target mtx.yaml names (local use)
    allow_env: frozenset[str] | None = None  # None: every variable (local use, without a target config)
    source: str = "--target-config"

    @property
    def bounded(self) -> bool:
        return self.grants is not None

    def resolve(self, name: str, data: Mapping[str, Any], *, base: Path, origin: str | None = None) -> Target:
        """The target `name` of mtx.yaml as this worker may reach it; RefusedError if it may not.

        `origin`: the URL the config repository was fetched from (a git-branch target's default)."""
        if self.grants is None and self.allow_env is None:
            return Target.from_config(name, dict(data), base=base, origin=origin)
        kind = str(data.get("kind", ""))
        if self.grants is None:
            return self._local(name, data, kind=kind, base=base, origin=origin)
        grant = self.grants.get(name)
        if grant is None:
            given = ", ".join(sorted(self.grants)) or "none"
            raise RefusedError(f"target {name!r} is not in this worker's {self.source} (it delivers to: {given})")
        if kind == "kubernetes":
            if grant.root is not None:
                raise RefusedError(f"target {name!r} is a kubernetes target in mtx.yaml; {self.source} gives it a root")
            return Target(name, kind, kubeconfig=grant.kubeconfig, context=grant.context, in_cluster=grant.in_cluster)
        if kind == "directory":
            if grant.root is None:
                raise RefusedError(f"target {name!r} is a directory target in mtx.yaml; {self.source} gives no root")
            return Target(name, kind, path=str(confined(name, self.expand(str(data.get("path") or ".")), grant.root)))
        raise UserError(f"target {name!r} in mtx.yaml: kind {kind!r} is neither kubernetes nor directory")

    def expand(self, text: str) -> str:
        """`$VAR` and `${VAR}` replaced by the environment, if every one is allowed."""
        if self.allow_env is None:
            return os.path.expandvars(text)
        allowed = self.allow_env

        def one(match: re.Match[str]) -> str:
            variable = match.group("braced") or match.group("plain") or ""
            if variable not in allowed:
                raise RefusedError(f"mtx.yaml reads ${{{variable}}}, which this worker may not (see --allow-env)")
            if variable not in os.environ:
                raise RefusedError(f"mtx.yaml reads ${{{variable}}}, which is not set in this worker's environment")
            return os.environ[variable]

        return _VARIABLE.sub(one, text)

    def _local(self, name: str, data: Mapping[str, Any], *, kind: str, base: Path, origin: str | None) -> Target:
        keys = ("kubeconfig", "path", "url")
        expanded = {**data, **{key: self.expand(str(data[key])) for key in keys if data.get(key)}}
        # `expandvars` finds nothing left to expand; `from_config` keeps its other rules.
        return Target.from_config(name, expanded, base=base, origin=origin)


def confined(name: str, path: str, root: str) -> Path:
    """`root/path` for a directory target's relative path from git; RefusedError if it leaves `root`."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or Path(path).is_absolute():
        raise RefusedError(f"target {name!r}: path {path!r} from mtx.yaml is absolute; it must stay under {root}")
    if ".." in pure.parts:
        raise RefusedError(f"target {name!r}: path {path!r} from mtx.yaml leaves its root {root} ('..')")
    top = Path(root).resolve()
    full = (top / pure).resolve()
    if full != top and top not in full.parents:
        raise RefusedError(f"target {name!r}: path {path!r} leads out of its root {root} (a symbolic link)")
    return full


def load_target_config(path: Path, *, allow_env: frozenset[str] | None) -> Authority:
    """The Authority a `--target-config` file grants; relative paths in it are relative to the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--target-config {path}: {exc.strerror or exc}") from None
    data = yaml.load_one(text, source=str(path)) or {}
    targets = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) - {"targets"} or not isinstance(targets, dict):
        raise UserError(f"--target-config {path}: expected `targets: {{NAME: {{kubeconfig: PATH}} | ...}}` only")
    here = path.resolve().parent
    grants = {str(name): _grant(str(name), spec, file=path, here=here) for name, spec in targets.items()}
    return Authority(grants, frozenset() if allow_env is None else allow_env, source=f"--target-config {path}")


def _grant(name: str, spec: Any, *, file: Path, here: Path) -> Grant:
    where = f"--target-config {file}: target {name!r}"
    if not isinstance(spec, dict) or not spec:
        raise UserError(f"{where}: expected {{kubeconfig: PATH, context: C}}, {{inCluster: true}} or {{root: DIR}}")
    form = next((form for form in _FORMS if form in spec), None)
    if form is None or set(spec) - _FORMS[form]:
        extra = ", ".join(sorted(str(key) for key in spec))
        raise UserError(f"{where}: give one of kubeconfig (+ context), inCluster or root, not {extra}")
    for key, value in spec.items():
        wanted = bool if key == "inCluster" else str
        if not isinstance(value, wanted) or value in ("", False):
            raise UserError(f"{where}: {key} must be {'true' if wanted is bool else 'a non-empty string'}")
    if form == "inCluster":
        return Grant(name, in_cluster=True)
    if form == "root":
        return Grant(name, root=str(here / os.path.expanduser(spec["root"])))
    return Grant(name, kubeconfig=str(here / os.path.expanduser(spec["kubeconfig"])), context=spec.get("context"))
