"""The functions `mtx run` and `mtx function do` offer: cub's names, parameters and their order.

A call gives arguments by position (`set-image-reference nginx :v2`, cub's `function do` form), by
name (`--container-name nginx --image-reference :v2`, cub's `run` form, or `--image-reference=:v2`
after `--`), or both: positions first. `bind` checks and casts them. Parameters marked `mtx` are
mtx's own older spellings (`--image`, `--value`, `--label K=V`), kept beside cub's; given one, cub's
required parameters of that function are not required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops.errors import UserError


@dataclass(frozen=True)
class Param:
    """One parameter: its name (the flag without `--`), what it means, its type and whether it must be given."""

    name: str
    description: str
    kind: str = "string"  # string, int or bool
    required: bool = True
    varargs: bool = False  # takes every remaining positional argument
    mtx: bool = False  # mtx's own spelling beside cub's

    def as_json(self) -> dict[str, Any]:
        return {
            "ParameterName": self.name,
            "Description": self.description,
            "DataType": self.kind,
            "Required": self.required and not self.mtx,
            **({"VarArgs": True} if self.varargs else {}),
            **({"MtxSpelling": True} if self.mtx else {}),
        }


@dataclass(frozen=True)
class Signature:
    """A function: its name, what it does, its parameters in positional order, and what kind it is."""

    name: str
    description: str
    params: tuple[Param, ...] = ()
    mutating: bool = True
    validating: bool = False

    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if not p.mtx)

    def usage(self) -> str:
        """`set-env-var [CONTAINER-NAME] ENV-VAR [ENV-VALUE]`, as `function do` takes it."""
        words = [self.name]
        for p in self.positional():
            word = p.name.upper() + ("..." if p.varargs else "")
            words.append(word if p.required else f"[{word}]")
        return " ".join(words)

    def as_json(self) -> dict[str, Any]:
        return {
            "FunctionName": self.name,
            "Description": self.description,
            "Mutating": self.mutating,
            "Validating": self.validating,
            "RequiredParameters": sum(p.required and not p.mtx for p in self.params),
            "Parameters": [p.as_json() for p in self.params],
        }


def _p(name: str, description: str, kind: str = "string", **more: Any) -> Param:
    return Param(name, description, kind, **more)


_TYPE = "Resource type ([group/]version/Kind, as apps/v1/Deployment)"
_CONTAINER = _p("container-name", "Name of the container ('*' for every container)")
_PATH = (
    _p("resource-type", f"{_TYPE} whose documents get the value (mtx: optional)", required=False),
    _p("path", "Path of the attribute to set (spec.replicas, containers.*.x, containers.?name=app.x, a.|b)"),
)
_MTX_CONTAINER = _p("container", "mtx: only this container (any container when omitted)", required=False, mtx=True)

FUNCTIONS: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature(
            "set-image-reference",
            "Set the image reference (tag or digest) of a container",
            (_CONTAINER, _p("image-reference", "Image tag or digest, with its separator (:v2 or @sha256:...)")),
        ),
        Signature(
            "set-image",
            "Set the image of a container",
            (
                _CONTAINER,
                _p("container-image", "Full container image (repository URI and reference)"),
                _p("image", "mtx: an image, or a bare :tag for every app container", required=False, mtx=True),
                _MTX_CONTAINER,
            ),
        ),
        Signature(
            "set-image-uri",
            "Set the image repository URI of a container, keeping its tag",
            (_CONTAINER, _p("repository-uri", "Repository URI (host and repository)")),
        ),
        Signature(
            "set-env-var",
            "Set an environment variable of a container",
            (
                _p("container-name", "Name of the container (mtx: every app container when omitted)", required=False),
                _p("env-var", "Name of the variable (mtx: or KEY=VALUE)"),
                _p("env-value", "Value of the variable", required=False),
                _MTX_CONTAINER,
            ),
        ),
        Signature(
            "set-env",
            "Set environment variables of a container from KEY=VALUE pairs; KEY= removes KEY",
            (_CONTAINER, _p("env-key-value", "KEY=VALUE to upsert; an empty value removes the variable", varargs=True)),
        ),
        Signature(
            "set-replicas",
            "Set the replicas of workload controllers",
            (
                _p("replicas", "Number of replicas", "int"),
                _p("force", "mtx: scale even where an HPA scales it", "bool", required=False, mtx=True),
            ),
        ),
        Signature(
            "set-container-resources",
            "Set resource requests and limits of a container",
            (
                _CONTAINER,
                _p("operation", "all: set them; cap: lower larger values to these; floor: raise smaller ones"),
                _p("cpu", "Request cpu as a quantity, such as 500m; ignored if empty"),
                _p("memory", "Request memory as a quantity, such as 256Mi; ignored if empty"),
                _p("limit-factor", "Limits are the requests times this integer; 0 removes the limits", "int"),
            ),
        ),
        Signature(
            "set-string-path",
            "Set a string at a path (refused where the schema types the field otherwise)",
            (
                *_PATH,
                _p("attribute-value", "Value to set the attribute to"),
                _p("value", "mtx: the value (as --attribute-value)", required=False, mtx=True),
            ),
        ),
        Signature(
            "set-int-path",
            "Set an integer at a path",
            (*_PATH, _p("attribute-value", "Integer to set the attribute to", "int")),
        ),
        Signature(
            "set-bool-path",
            "Set a boolean at a path",
            (*_PATH, _p("attribute-value", "Boolean to set the attribute to (true or false)", "bool")),
        ),
        Signature(
            "set-namespace",
            "Set the namespace of every namespaced resource and of bindings' subjects",
            (_p("namespace-name", "Value of the namespace fields"),),
        ),
        Signature(
            "set-label",
            "Set a label on every resource",
            (
                _p("label-key", "Key of the label"),
                _p("label-value", "Value of the label"),
                _p("label", "mtx: KEY=VALUE", required=False, mtx=True),
            ),
        ),
        Signature(
            "set-annotation",
            "Set an annotation on every resource",
            (
                _p("annotation-key", "Key of the annotation"),
                _p("annotation-value", "Value of the annotation"),
                _p("annotation", "mtx: KEY=VALUE", required=False, mtx=True),
            ),
        ),
        Signature(
            "set-pod-defaults",
            "Set best-practice pod settings (terminationGracePeriodSeconds 60 where missing, and each group asked)",
            tuple(
                _p(name, text, "bool", required=False)
                for name, text in (
                    ("pod-security", "Pod security labels on Namespaces"),
                    ("automount-service-account-token", "automountServiceAccountToken false"),
                    ("security-context", "Restrictive pod and container security contexts"),
                    ("resources", "Requests of at least 128m cpu and 128Mi memory"),
                    ("probes", "Startup, liveness and readiness probes on app containers"),
                )
            ),
        ),
        Signature(
            "delete-resource",
            "Remove a resource from the unit",
            (_p("resource-type", f"{_TYPE} of the resource"), _p("resource-name", "Name ([namespace/]name)")),
        ),
        Signature(
            "upsert-resource",
            "Add a resource to the unit, or replace it where it is already",
            (
                _p("resource-list", "The resource: cub's ResourceList JSON, or one YAML/JSON document"),
                _p("resource-type", f"{_TYPE} of the resource"),
                _p("resource-name", "Name ([namespace/]name)"),
            ),
        ),
        Signature(
            "search-replace",
            "Replace every occurrence of a value in every string of every resource",
            (_p("search-value", "Value to search for"), _p("replace-value", "Replacement")),
        ),
        Signature(
            "no-placeholders",
            "Passes when no attribute holds 'confighubplaceholder' or 999999999",
            mutating=False,
            validating=True,
        ),
        Signature(
            "cel-validate",
            "Passes when a CEL expression holds for every resource (the resource is r)",
            (_p("validation-expr", "CEL expression, such as r.kind != 'Deployment' || r.spec.replicas > 1"),),
            mutating=False,
            validating=True,
        ),
    )
}


def signature(name: str) -> Signature:
    """The function called `name`, or UserError listing what exists."""
    found = FUNCTIONS.get(name)
    if found is None:
        raise UserError(f"unknown function {name!r} (see `mtx function list`)")
    return found


def split_words(words: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """cub's `function do` arguments: positions, then `--name=value` words (none may follow those)."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in words:
        if word.startswith("--") and "=" in word:
            name, _, value = word[2:].partition("=")
            named[name] = value
        elif named:
            raise UserError(f"positional argument {word!r} cannot follow named arguments")
        else:
            positional.append(word)
    return positional, named


def bind(sig: Signature, positional: Sequence[str], named: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of a call by parameter name, cast to their types; UserError for a missing,
    unknown, doubled or ill-typed one."""
    params = {p.name: p for p in sig.params}
    out: dict[str, Any] = {}
    order = sig.positional()
    rest = list(positional)
    for param in order:
        if not rest:
            break
        out[param.name] = rest if param.varargs else rest.pop(0)
        if param.varargs:
            rest = []
    if rest:
        raise UserError(f"{sig.name} takes {len(order)} argument(s), not {len(positional)}: {sig.usage()}")
    for name, value in named.items():
        if value is None or value == () or value == []:
            continue
        if name not in params:
            raise UserError(f"{sig.name} has no parameter --{name}: {sig.usage()}")
        if name in out:
            raise UserError(f"{sig.name}: --{name} given twice")
        out[name] = list(value) if params[name].varargs and not isinstance(value, str) else value
    legacy = any(params[name].mtx for name in out)
    for param in sig.params:
        if param.name not in out:
            if param.required and not legacy and not param.mtx:
                raise UserError(f"{sig.name} needs --{param.name} ({param.description}): {sig.usage()}")
            continue
        out[param.name] = _cast(param, out[param.name])
    return out


def _cast(param: Param, value: Any) -> Any:
    if param.varargs:
        return [str(v) for v in (value if isinstance(value, list) else [value])]
    if param.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise UserError(f"--{param.name} must be an integer, not {value!r}") from None
    if param.kind == "bool":
        return parse_bool(value, option=param.name)
    return str(value)


_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})


def parse_bool(text: str | bool, *, option: str) -> bool:
    """A boolean argument as cub (Go's ParseBool) reads it: true/false, t/f, 1/0; else UserError."""
    if isinstance(text, bool):
        return text
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UserError(f"--{option} must be true or false, not {text!r}")
