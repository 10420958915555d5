"""Delivery targets in mtx.yaml: `mtx target create|update|list` (SPEC §2, §6)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import CONFIG_FILE
from mtx_gitops.core.slug import check_branch, check_slug
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, WriteResult, write

TARGET_KINDS = ("kubernetes", "directory", "git-branch")


def create_target(
    repo: Repo,
    name: str,
    *,
    kind: str,
    kubeconfig: str | None = None,
    context: str | None = None,
    path: str | None = None,
    url: str | None = None,
    branch_prefix: str | None = None,
    webhook: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Add a delivery target to mtx.yaml; refuses a name that is defined already."""
    check_slug(name, what="target name")
    target = target_spec(kind, kubeconfig=kubeconfig, context=context, path=path, url=url, branch_prefix=branch_prefix)
    target.update(_webhook_spec(webhook))

    def build(snap: Snapshot) -> Plan:
        if name in snap.targets():
            raise AlreadyExistsError(f"target {name!r} exists already; change it with `mtx target update {name}`")
        files = with_target(snap, name, target)
        return Plan("target.create", f"Create target {name}", files=files, done=f"target {name} created")

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def update_target(
    repo: Repo,
    name: str,
    *,
    kind: str | None = None,
    kubeconfig: str | None = None,
    context: str | None = None,
    path: str | None = None,
    url: str | None = None,
    branch_prefix: str | None = None,
    webhook: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Change a target: the options given replace its fields; the others are kept while the kind stays."""
    check_slug(name, what="target name")
    if all(option is None for option in (kind, kubeconfig, context, path, url, branch_prefix, webhook)):
        raise UserError(
            "give what to change: --kind, --kubeconfig, --context, --path, --url, --branch-prefix or --webhook"
        )

    def build(snap: Snapshot) -> Plan:
        check_target(snap, name)
        old = snap.targets()[name]
        same_kind = kind in (None, old.get("kind"))
        kept = old if same_kind else {}
        target = target_spec(
            kind or str(old.get("kind")),
            kubeconfig=kubeconfig or kept.get("kubeconfig"),
            context=context or kept.get("context"),
            path=path or kept.get("path"),
            url=url or kept.get("url"),
            branch_prefix=kept.get("branchPrefix") if branch_prefix is None else branch_prefix,
        )
        hook = old.get("webhook") if webhook is None else webhook
        target.update(_webhook_spec(hook or None))
        files = with_target(snap, name, target)
        return Plan("target.update", f"Update target {name}", files=files, done=f"target {name} updated")

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def target_spec(
    kind: str,
    *,
    kubeconfig: str | None,
    context: str | None,
    path: str | None,
    url: str | None = None,
    branch_prefix: str | None = None,
) -> dict[str, Any]:
    """A target's definition as stored in mtx.yaml, checked (UserError naming what is wrong)."""
    if kind != "git-branch" and (url is not None or branch_prefix is not None):
        raise UserError("--url and --branch-prefix are options of a git-branch target")
    target: dict[str, Any] = {"kind": kind}
    if kind == "kubernetes":
        if not kubeconfig:
            raise UserError("a kubernetes target needs --kubeconfig PATH (may be ${ENV_VAR})")
        target["kubeconfig"] = kubeconfig
        if context:
            target["context"] = context
    elif kind == "directory":
        if not path:
            raise UserError("a directory target needs --path DIR")
        if Path(path).is_absolute() is False and ".." in Path(path).parts:
            raise UserError(f"invalid target path {path!r}: must stay inside the repository")
        target["path"] = path
    elif kind == "git-branch":
        target.update(_branch_spec(path=path, url=url, branch_prefix=branch_prefix))
    else:
        raise UserError(f"invalid target kind {kind!r}: expected one of {', '.join(TARGET_KINDS)}")
    return target


def _webhook_spec(webhook: str | None) -> dict[str, Any]:
    """`webhook: URL` when one is given (an http or https URL), else nothing."""
    if webhook is None:
        return {}
    if not webhook.startswith(("http://", "https://")) or any(ch in webhook for ch in " \n\r\0"):
        raise UserError(f"invalid --webhook {webhook!r}: give an http:// or https:// URL")
    return {"webhook": webhook}


def _branch_spec(*, path: str | None, url: str | None, branch_prefix: str | None) -> dict[str, Any]:
    """The fields of a git-branch target: the repository (default: this one), branch prefix and path in it."""
    spec: dict[str, Any] = {}
    if url is not None:
        if not url.strip() or url.startswith("-") or any(ch in url for ch in "\n\r\0"):
            raise UserError(f"invalid --url {url!r}: give a git URL or a path to a repository")
        spec["url"] = url
    if branch_prefix is not None:
        try:
            check_branch(f"{branch_prefix}space")
        except UserError:
            raise UserError(
                f"invalid --branch-prefix {branch_prefix!r}: {branch_prefix}<space> is no branch name"
            ) from None
        spec["branchPrefix"] = branch_prefix
    if path:
        inside = PurePosixPath(path)
        if inside.is_absolute() or ".." in inside.parts or "\\" in path or any(ch in path for ch in "\n\r\0"):
            raise UserError(f"invalid target path {path!r}: a directory inside the branch, like deploy/")
        spec["path"] = path.strip("/")
    return spec


def list_targets(snap: Snapshot) -> list[dict[str, Any]]:
    """Targets as JSON rows, with the spaces that name each."""
    users: dict[str, list[str]] = {}
    for space in snap.spaces():
        if space.target:
            users.setdefault(space.target, []).append(space.name)
    return [{"target": name, **spec, "spaces": users.get(name, [])} for name, spec in sorted(snap.targets().items())]


def check_target(snap: Snapshot, target: str | None) -> None:
    """NotFoundError unless `target` (when given) is defined in mtx.yaml."""
    if target is not None and target not in snap.targets():
        known = ", ".join(sorted(snap.targets())) or "none"
        raise NotFoundError(f"target {target!r} is not defined in mtx.yaml (known: {known})")


def with_target(snap: Snapshot, name: str, target: dict[str, Any]) -> dict[str, bytes | None]:
    """mtx.yaml with `name` set to `target` (only the lines that change, change)."""
    text = snap.read_text(CONFIG_FILE)
    config = yaml.load_one(text, source=CONFIG_FILE) or {}
    new = {**config, "targets": {**(config.get("targets") or {}), name: target}}
    return {CONFIG_FILE: yaml.rewrite(text, [new], source=CONFIG_FILE).encode()}
