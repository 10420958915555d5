"""Validator choice for the gate: jsonschema, fastjsonschema and mtx's own walk on the benchmark's units.

    python benchmarks/validators.py [--repeats 500]

For each candidate: the one-time cost (loading the definitions, compiling a kind), the cost per
document for the benchmark's Deployment and Service, and what it reports for a Deployment with two
faults. jsonschema and fastjsonschema are measured when installed (`pip install fastjsonschema`).
A push-upgrade of the 300-space benchmark validates ~3,100 distinct unit files (6,200 documents).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import yaml

from benchmarks.manifests import unit_yaml
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.validate import Validator

VERSION = versions.DEFAULT_VERSION
DOCUMENTS = 6200


def _per_call(call: Callable[[], object], repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats


def _files() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    root = versions.schema_dir(VERSION, strict=True)
    defs = json.loads((root / "_definitions.json").read_text())
    return (
        defs,
        json.loads((root / "deployment-apps-v1.json").read_text()),
        json.loads((root / "service-v1.json").read_text()),
    )


def _faulty(deployment: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(deployment)
    bad["spec"]["replicas"] = "five"
    bad["spec"]["template"]["spec"]["containers"][0]["imagePulPolicy"] = "Always"
    return bad


def walk(docs: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    start = time.perf_counter()
    validator = Validator(VERSION)
    validator.check(docs[0], source="u", index=1)
    validator.check(docs[1], source="u", index=2)
    setup = time.perf_counter() - start
    per = [_per_call(partial(validator.check, doc, source="u", index=1), repeats) for doc in docs]
    found = [str(f) for f in validator.check(_faulty(docs[0]), source="u", index=1)]
    return {"setup_s": setup, "deployment_us": per[0] * 1e6, "service_us": per[1] * 1e6, "reports": found}


def _errors(checker: Any, doc: dict[str, Any]) -> list[Any]:
    return list(checker.iter_errors(doc))


def with_jsonschema(docs: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    start = time.perf_counter()
    defs, deployment, service = _files()
    registry = Registry().with_resource("https://kubernetes.io/api/_definitions.json", Resource.from_contents(defs))
    checkers = [
        jsonschema.Draft202012Validator(s, registry=Resource.from_contents(s) @ registry) for s in (deployment, service)
    ]
    for checker, doc in zip(checkers, docs, strict=True):
        list(checker.iter_errors(doc))
    setup = time.perf_counter() - start
    per = [
        _per_call(partial(_errors, checker, doc), max(repeats // 10, 5))
        for checker, doc in zip(checkers, docs, strict=True)
    ]
    found = [f"{e.json_path}: {e.message}" for e in checkers[0].iter_errors(_faulty(docs[0]))]
    return {"setup_s": setup, "deployment_us": per[0] * 1e6, "service_us": per[1] * 1e6, "reports": found}


def with_fastjsonschema(docs: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    import marshal

    import fastjsonschema

    defs, deployment, service = _files()
    formats = {name: (lambda _value: True) for name in ("int32", "int64", "byte", "double", "date-time")}
    start = time.perf_counter()
    code = fastjsonschema.compile_to_code(deployment, handlers={"https": lambda _uri: defs}, formats=formats)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    compiled = compile(code, "<fastjsonschema>", "exec")
    compiled_s = time.perf_counter() - start
    cached = marshal.dumps(compiled)
    start = time.perf_counter()
    namespace: dict[str, Any] = {}
    exec(marshal.loads(cached), namespace)
    loaded_s = time.perf_counter() - start
    check = namespace["validate_https___kubernetes_io_api_deployment_apps_v1"]
    svc_code = fastjsonschema.compile_to_code(service, handlers={"https": lambda _uri: defs}, formats=formats)
    svc_namespace: dict[str, Any] = {}
    exec(compile(svc_code, "<fastjsonschema>", "exec"), svc_namespace)
    svc_check = svc_namespace["validate_https___kubernetes_io_api_service_v1"]
    per = [_per_call(lambda: check(docs[0]), repeats), _per_call(lambda: svc_check(docs[1]), repeats)]
    try:
        check(_faulty(docs[0]))
        found = []
    except fastjsonschema.JsonSchemaValueException as exc:
        found = [exc.message]  # the first fault only
    return {
        "generate_s": generated,
        "compile_s": compiled_s,
        "source_bytes": len(code),
        "cached_bytes": len(cached),
        "load_cached_s": loaded_s,
        "deployment_us": per[0] * 1e6,
        "service_us": per[1] * 1e6,
        "reports": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=500)
    args = parser.parse_args()
    docs = list(yaml.safe_load_all(unit_yaml(3)))
    results: dict[str, Any] = {"walk": walk(docs, args.repeats)}
    for name, measure in (("jsonschema", with_jsonschema), ("fastjsonschema", with_fastjsonschema)):
        try:
            results[name] = measure(docs, args.repeats)
        except ImportError as exc:
            results[name] = {"skipped": str(exc)}
    for found in results.values():
        if "deployment_us" in found:
            found["upgrade_s"] = round((found["deployment_us"] + found["service_us"]) * DOCUMENTS / 2 / 1e6, 2)
    print(json.dumps(results, indent=2, default=lambda v: round(v, 4)))


if __name__ == "__main__":
    main()
