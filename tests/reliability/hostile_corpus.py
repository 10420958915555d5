"""The hostile-input corpus: command lines and files that must be refused with exit 1 or 2.

`{f:NAME}` in an argument is replaced by the path of input file NAME (written from FILES), `{repo}`
by the config repo. The repo (see test_hostile_inputs) has spaces traderx-base (reference-data,
trade-service) and traderx-prod-us/-eu linked to it.
"""

from __future__ import annotations

from dataclasses import dataclass

GOOD = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"
LAUGHS = (
    b"a: &a ["
    + b",".join([b'"lol"'] * 9)
    + b"]\n"
    + b"".join(f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n".encode() for p, c in zip("abcdefgh", "bcdefghi", strict=True))
)
BOMB = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n" + b"".join(
    b"  " + line + b"\n" for line in LAUGHS.splitlines()
)
DEEP_FLOW = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: " + b"[" * 10_000 + b"]" * 10_000
DEEP_BLOCK = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n" + b"".join(
    b" " * i + b"k:\n" for i in range(0, 20_000, 2)
)
BIG = GOOD + b"  big: '" + b"x" * (3 * 1024 * 1024 + 10) + b"'\n"
DEEP_JSON = '{"spec":' * 10_000 + "1" + "}" * 10_000

FILES: dict[str, bytes] = {
    "good": GOOD,
    "bomb": BOMB,
    "recursive": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\ndata: &d\n  self: *d\n",
    "python-tag": b"apiVersion: v1\nkind: !!python/object/apply:os.system ['true']\nmetadata:\n  name: x\n",
    "custom-tag": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !Ref x\n",
    "binary-tag": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: !!binary aGVsbG8=\n",
    "set-tag": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: !!set {a, b}\n",
    "dup-keys": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    "dup-keys-deep": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: 1\n  k: 2\n",
    "big": BIG,
    "deep-flow": DEEP_FLOW,
    "deep-block": DEEP_BLOCK,
    "bad-utf8": GOOD.replace(b"b\n", b"\xc3\x28\xff\n"),
    "nul": GOOD.replace(b"a: b", b"a: b\x00c"),
    "utf16": "apiVersion: v1\nkind: ConfigMap\n".encode("utf-16"),
    "not-k8s": b"just: [a, list]\n",
    "deep-json": DEEP_JSON.encode(),
    "patch-bad-utf8": b'{"spec": {"replicas": "\xff"}}',
    "patch-not-json": b"spec: [unclosed\n",
    "merge-bomb": BOMB,
}


@dataclass(frozen=True)
class Case:
    """One hostile invocation and the exit codes that count as a clean refusal.

    `bug` names a known defect (reported, owned elsewhere): the case is an expected failure until fixed.
    """

    id: str
    args: tuple[str, ...]
    stdin: bytes = b""
    codes: tuple[int, ...] = (1, 2)
    bug: str = ""


def _c(case_id: str, *args: str, stdin: bytes = b"", codes: tuple[int, ...] = (1, 2), bug: str = "") -> Case:
    return Case(case_id, args, stdin, codes, bug)


UPDATE = ("unit", "update", "reference-data", "--space", "traderx-prod-us")
CREATE = ("unit", "create", "x", "--space", "traderx-base")
CASES = [
    # slugs and paths: traversal, absolute paths, separators, case, length
    _c("space-traversal", "space", "create", "../../etc", codes=(2,)),
    _c("space-absolute", "space", "create", "/etc/evil", codes=(2,)),
    _c("space-dotdot-middle", "space", "create", "a/../b", codes=(2,)),
    _c("space-newline", "space", "create", "a\nb", codes=(2,)),
    _c("unit-get-traversal", "unit", "get", "../../mtx", "--space", "traderx-base", codes=(2,)),
    _c("unit-get-space-traversal", "unit", "get", "reference-data", "--space", "../..", codes=(2,)),
    _c("unit-list-glob-traversal", "unit", "list", "--space", "../*", codes=(2,)),
    _c("unit-list-glob-absolute", "unit", "list", "--space", "/etc/*", codes=(2,)),
    _c("unit-create-name-traversal", "unit", "create", "../../x", "{f:good}", "--space", "traderx-base", codes=(2,)),
    _c("unit-create-upstream-traversal", *CREATE, "--upstream-space", "..", "--upstream-unit", "x", codes=(2,)),
    _c(
        "unit-create-upstream-unit-abs",
        *CREATE,
        "--upstream-space",
        "traderx-base",
        "--upstream-unit",
        "/etc/passwd",
        codes=(2,),
    ),
    _c(
        "copy-to-traversal", "unit", "copy", "reference-data", "--from", "traderx-base", "--to", "../../tmp", codes=(2,)
    ),
    _c("copy-from-absolute", "unit", "copy", "reference-data", "--from", "/etc", "--to", "traderx-prod-us", codes=(2,)),
    _c("merge-unit-traversal", *UPDATE, "--merge-unit", "../../etc/passwd", codes=(2,)),
    _c("merge-unit-absolute", *UPDATE, "--merge-unit", "/etc/passwd", codes=(2,)),
    _c("merge-unit-no-slash", *UPDATE, "--merge-unit", "traderx-base", codes=(2,)),
    _c("target-name-traversal", "target", "create", "../t", "--kind", "directory", "--path", "out", codes=(2,)),
    _c("target-path-traversal", "target", "create", "t", "--kind", "directory", "--path", "../../escape", codes=(2,)),
    _c("space-target-traversal", "space", "update", "traderx-base", "--target", "../../x"),
    _c("space-namespace-traversal", "space", "create", "x", "--namespace", "../kube-system", codes=(2,)),
    _c("branch-traversal", *UPDATE, "--patch", '{"spec":{"replicas":2}}', "--branch", "../../x", codes=(2,)),
    _c("branch-option-like", *UPDATE, "--patch", '{"spec":{"replicas":2}}', "--branch", "-x", codes=(2,)),
    _c("branch-lock-suffix", *UPDATE, "--patch", '{"spec":{"replicas":2}}', "--branch", "main.lock", codes=(2,)),
    _c("changeset-traversal", "changeset", "create", "../../x", codes=(2,)),
    _c("log-space-traversal", "log", "--space", "../x", codes=(2,)),
    # revisions that look like git options (`git log --output=FILE` would write a file)
    _c("plan-base-option-injection", "plan", "--base=--output=/tmp/mtx-pwned"),
    _c("plan-head-option-injection", "plan", "--base", "HEAD", "--head=--output=/tmp/mtx-pwned"),
    _c(
        "restore-revision-option-injection",
        "unit",
        "restore",
        "reference-data",
        "--space",
        "traderx-base",
        "--revision=--output=/tmp/mtx-pwned",
    ),
    _c(
        "merge-base-option-injection",
        *UPDATE,
        "--merge-unit",
        "traderx-base/reference-data",
        "--merge-base=--output=/tmp/mtx-pwned",
    ),
    _c(
        "merge-end-option-injection",
        *UPDATE,
        "--merge-unit",
        "traderx-base/reference-data",
        "--merge-end=--upload-pack=touch /tmp/mtx-pwned",
    ),
    _c("space-label-newline", "space", "create", "x", "--label", "k=v\nMtx-Unit: evil/x", codes=(2,)),
    _c("space-label-bad-key", "space", "create", "x", "--label", "bad key!=v", codes=(2,)),
    _c("changeset-dots", "changeset", "create", "a..b", codes=(2,)),
    # manifests: YAML bombs and tags, duplicate keys, size, depth, encoding
    _c("yaml-bomb-stdin", *CREATE, "-", stdin=BOMB, codes=(2,)),
    _c("yaml-recursive-alias", *CREATE, "{f:recursive}", codes=(2,)),
    _c("yaml-python-tag", *CREATE, "{f:python-tag}", codes=(2,)),
    _c("yaml-custom-tag", *CREATE, "{f:custom-tag}", codes=(2,)),
    _c("yaml-binary-tag", *CREATE, "{f:binary-tag}", codes=(2,)),
    _c("yaml-set-tag", *CREATE, "{f:set-tag}", codes=(2,)),
    _c("yaml-duplicate-keys", *CREATE, "{f:dup-keys}", codes=(2,)),
    _c("yaml-duplicate-keys-deep", *CREATE, "{f:dup-keys-deep}", codes=(2,)),
    _c("yaml-over-3mib", *CREATE, "{f:big}", codes=(2,)),
    _c("yaml-over-3mib-stdin", *CREATE, "-", stdin=BIG, codes=(2,)),
    _c("yaml-depth-10000-flow", *CREATE, "{f:deep-flow}", codes=(2,)),
    _c("yaml-depth-10000-block", *CREATE, "{f:deep-block}", codes=(2,)),
    _c("yaml-invalid-utf8", *CREATE, "{f:bad-utf8}", codes=(2,)),
    _c("yaml-nul-byte", *CREATE, "{f:nul}", codes=(2,)),
    _c("yaml-utf16", *CREATE, "{f:utf16}", codes=(2,)),
    _c("yaml-not-kubernetes", *CREATE, "{f:not-k8s}", codes=(2,)),
    _c("manifest-dev-zero", *CREATE, "/dev/zero", codes=(2,)),
    _c("manifest-directory", *CREATE, "/etc", codes=(2,)),
    _c("manifest-proc-environ", *CREATE, "/proc/self/environ", codes=(2,)),
    # patches
    _c("patch-invalid-json", *UPDATE, "--patch", '{"spec": ', codes=(2,)),
    _c("patch-depth-10000", *UPDATE, "--patch", DEEP_JSON, codes=(2,)),
    _c("patch-nan", *UPDATE, "--patch", '{"spec":{"replicas":NaN}}', codes=(2,)),
    _c("patch-infinity", *UPDATE, "--patch", '{"spec":{"replicas":1e999}}', codes=(2,)),
    _c("patch-duplicate-keys", *UPDATE, "--patch", '{"spec":{"replicas":2,"replicas":3}}', codes=(2,)),
    _c("patch-null-kind", *UPDATE, "--patch", '{"kind":null}', codes=(2,)),
    _c(
        "patch-rename-to-traversal",
        *UPDATE,
        "--type",
        "merge",
        "--patch",
        '{"metadata":{"name":"../../etc"}}',
        codes=(2,),
    ),
    _c(
        "json-patch-remove-metadata",
        *UPDATE,
        "--type",
        "json",
        "--patch",
        '[{"op":"remove","path":"/metadata"}]',
        codes=(2,),
    ),
    _c(
        "json-patch-bad-pointer",
        *UPDATE,
        "--type",
        "json",
        "--patch",
        '[{"op":"add","path":"spec/x","value":1}]',
        codes=(2,),
    ),
    _c(
        "json-patch-move-into-self",
        *UPDATE,
        "--type",
        "json",
        "--patch",
        '[{"op":"move","from":"/spec","path":"/spec/x"}]',
        codes=(2,),
    ),
    _c(
        "json-patch-test-fails", *UPDATE, "--type", "json", "--patch", '[{"op":"test","path":"/kind","value":"Secret"}]'
    ),
    _c("patch-type-unknown", *UPDATE, "--type", "evil", "--patch", "{}", codes=(2,)),
    _c("patch-file-dev-zero", *UPDATE, "--patch-file", "/dev/zero", codes=(2,)),
    _c("patch-file-bad-utf8", *UPDATE, "--patch-file", "{f:patch-bad-utf8}", codes=(2,)),
    _c("patch-file-yaml-not-json", *UPDATE, "--patch-file", "{f:patch-not-json}", codes=(2,)),
    _c("patch-file-deep", *UPDATE, "--patch-file", "{f:deep-json}", codes=(2,)),
    # WHERE
    _c("where-syntax", "unit", "list", "--space", "*", "--where", "spec.replicas >", codes=(2,)),
    _c(
        "where-deep-parens",
        "unit",
        "list",
        "--space",
        "*",
        "--where",
        "(" * 10_000 + "Slug = 'x'" + ")" * 10_000,
        codes=(2,),
    ),
    _c("where-deep-not", "unit", "list", "--space", "*", "--where", "NOT " * 10_000 + "Slug = 'x'", codes=(2,)),
    _c("where-bad-regex", "unit", "list", "--space", "*", "--where", "Slug ~ '('", codes=(2,)),
    _c("where-unterminated", "unit", "list", "--space", "*", "--where", "Slug = 'x", codes=(2,)),
    _c("where-nul", "unit", "list", "--space", "*", "--where", "Slug = 'a\0b' AND", codes=(2,)),
    _c("where-bad-path", "unit", "list", "--space", "*", "--where", "spec.containers[name=.image = 'x'", codes=(2,)),
    _c("where-in-upgrade", "unit", "update", "--upgrade", "--space", "*", "--where", "Kind IN (", codes=(2,)),
    _c("where-in-run", "run", "set-replicas", "--replicas", "2", "--space", "*", "--where", "'", codes=(2,)),
    # bulk function arguments
    _c("run-negative-replicas", "run", "set-replicas", "--replicas", "-1", "--space", "*", codes=(2,)),
    _c("run-env-no-equals", "run", "set-env-var", "--env-var", "NOEQUALS", "--space", "*", codes=(2,)),
    _c("run-bad-image", "run", "set-image", "--image", "UPPER CASE::bad", "--space", "*", codes=(2,)),
    _c("run-bad-label", "run", "set-label", "--label", "bad key!=x", "--space", "*", codes=(2,)),
    _c("run-bad-path", "run", "set-string-path", "--path", "spec..x", "--value", "v", "--space", "*", codes=(2,)),
    # merge-file plumbing
    _c("merge-file-bomb", "merge-file", "{f:merge-bomb}", "{f:good}", "{f:good}", codes=(2,)),
    _c("merge-file-dev-zero", "merge-file", "{f:good}", "/dev/zero", "{f:good}", codes=(2,)),
    _c("merge-file-bad-utf8", "merge-file", "{f:good}", "{f:good}", "{f:bad-utf8}", codes=(2,)),
    _c("merge-file-missing", "merge-file", "{f:good}", "{f:good}", "/nonexistent/x.yaml"),
    _c("merge-file-directory", "merge-file", "/etc", "{f:good}", "{f:good}", codes=(2,)),
    _c("merge-file-deep", "merge-file", "{f:deep-flow}", "{f:good}", "{f:good}", codes=(2,)),
    # global options
    _c("output-format", "unit", "list", "-o", "xml", codes=(2,)),
]
