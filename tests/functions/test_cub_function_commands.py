"""cub's function commands typed as a cub user types them: `mtx function do FN ARG…`, `mtx run FN --flag …`,
`mtx function list`, the validators, `--dry-run`, `--resource-type`, and what bad input gets."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mtx_gitops.core.fn_catalog import FUNCTIONS
from tests.conftest import Mtx, run
from tests.functions.conftest import SPACE, documents, nginx
from tests.functions.cub_fixtures import SERVICE


def test_function_do_takes_arguments_by_position_and_lands_one_commit(apps: Mtx) -> None:
    before = apps.commits()

    apps("function", "do", "set-image-reference", "nginx", ":v17.5.2", "--space", SPACE, "--unit", "mydep,web")

    assert apps.commits() == before + 1
    assert nginx(apps)["image"] == nginx(apps, "web")["image"] == "nginx:v17.5.2"
    assert "# Line comment on replicas" in (apps.root / f"spaces/{SPACE}/mydep.yaml").read_text()
    assert "Run set-image-reference" in apps.git("log", "-1", "--format=%s")


def test_run_takes_the_same_arguments_as_flags(apps: Mtx) -> None:
    apps("run", "set-image-uri", "--container-name", "nginx", "--repository-uri", "example.myreg.com/nginx",
         "--space", SPACE, "--unit", "mydep")  # fmt: skip
    apps("run", "set-env-var", "--container-name", "nginx", "--env-var", "SUCCESS", "--env-value", "true",
         "--space", SPACE, "--unit", "mydep")  # fmt: skip
    apps("run", "set-replicas", "5", "--space", SPACE, "--unit", "mydep")  # cub's run takes positions too

    assert nginx(apps)["image"] == "example.myreg.com/nginx:latest"
    assert nginx(apps)["env"] == [{"name": "SUCCESS", "value": "true"}]
    assert documents(apps, "mydep")[0]["spec"]["replicas"] == 5


def test_typed_path_setters_by_position_with_a_where(apps: Mtx) -> None:
    where = "Slug = 'mydep'"
    apps(
        "function", "do", "set-int-path", "apps/v1/Deployment", "spec.replicas", "7", "--space", SPACE, "--where", where
    )
    apps("function", "do", "set-bool-path", "apps/v1/Deployment", "spec.paused", "true", "--space", SPACE,
         "--where", where)  # fmt: skip
    apps("run", "set-string-path", "--resource-type", "apps/v1/Deployment", "--path",
         "spec.template.spec.dnsPolicy", "--attribute-value", "None", "--space", SPACE, "--where", where)  # fmt: skip

    spec = documents(apps, "mydep")[0]["spec"]
    assert (spec["replicas"], spec["paused"], spec["template"]["spec"]["dnsPolicy"]) == (7, True, "None")
    assert documents(apps, "web")[0]["spec"]["replicas"] == 3


def test_set_string_path_on_a_boolean_field_is_refused_and_writes_nothing(apps: Mtx) -> None:
    before = apps.fingerprint()

    refused = apps("run", "set-string-path", "--path", "spec.paused", "--value", "true", "--space", SPACE,
                   "--unit", "mydep", ok=False)  # fmt: skip

    assert refused.code == 2
    assert refused.err.strip().splitlines() == [
        "error: apps/v1/Deployment mydep: spec.paused is a boolean, not a string: use set-bool-path"
    ]
    assert apps.fingerprint() == before
    apps("run", "set-bool-path", "--path", "spec.paused", "--attribute-value", "true", "--space", SPACE,
         "--unit", "mydep")  # fmt: skip
    assert documents(apps, "mydep")[0]["spec"]["paused"] is True


def test_named_arguments_after_a_double_dash_and_boolean_flags(apps: Mtx) -> None:
    done = run("--repo", str(apps.root), "function", "do", "--space", SPACE, "--unit", "mydep", "--",
               "set-pod-defaults", "--security-context=true", "--resources=true", "--probes=false")  # fmt: skip
    assert done.code == 0, done.err
    apps("run", "set-pod-defaults", "--automount-service-account-token", "--space", SPACE, "--unit", "web")

    assert nginx(apps)["securityContext"]["runAsNonRoot"] is True
    assert nginx(apps)["resources"] == {"requests": {"cpu": "128m", "memory": "128Mi"}}
    assert "startupProbe" not in nginx(apps)
    assert documents(apps, "web")[0]["spec"]["template"]["spec"]["automountServiceAccountToken"] is False


def test_resource_type_narrows_a_function_to_documents_of_that_type(apps: Mtx) -> None:
    apps("function", "do", "set-label", "tier", "web", "--space", SPACE, "--unit", "web",
         "--resource-type", "v1/Service")  # fmt: skip

    deployment, service = documents(apps, "web")
    assert service["metadata"]["labels"] == {"tier": "web"}
    assert "tier" not in deployment["metadata"]["labels"]


def test_dry_run_shows_the_diff_and_writes_nothing(apps: Mtx) -> None:
    before = apps.fingerprint()

    dry = apps("function", "do", "set-container-resources", "nginx", "all", "500m", "256Mi", "2", "--space", SPACE,
               "--unit", "mydep", "--dry-run")  # fmt: skip

    assert apps.fingerprint() == before
    assert "dry run: 1 unit(s) would change" in dry.out
    diff = dry.out[dry.out.index("--- a/spaces/apps/mydep.yaml") :]
    assert "-        resources: {}\n+        resources:\n+          requests:\n+            cpu: 500m\n" in diff
    assert "+            cpu: '1'\n+            memory: 512Mi\n" in diff


def test_resources_are_deleted_and_upserted_by_type_and_name(apps: Mtx) -> None:
    apps("function", "do", "delete-resource", "v1/Service", "my-service", "--space", SPACE, "--unit", "web")
    assert [d["kind"] for d in documents(apps, "web")] == ["Deployment"]

    apps("function", "do", "upsert-resource", SERVICE, "v1/Service", "/my-service", "--space", SPACE, "--unit", "web")
    assert [d["kind"] for d in documents(apps, "web")] == ["Deployment", "Service"]

    missing = apps("function", "do", "delete-resource", "v1/ConfigMap", "nope", "--space", SPACE, "--unit", "web",
                   ok=False)  # fmt: skip
    assert missing.code == 2 and "resource with type v1/ConfigMap and name nope not found" in missing.err


def test_search_replace_then_no_placeholders_passes(apps: Mtx) -> None:
    failing = apps("function", "do", "no-placeholders", "--space", SPACE, "--unit", "draft", "-o", "json", ok=False)
    assert failing.code == 1
    report = failing.json
    assert report["passed"] is False
    assert report["units"][0]["FailedAttributes"][0]["Path"] == "metadata.labels.app"

    apps("function", "do", "search-replace", "confighubplaceholder", "replaceme", "--space", SPACE, "--unit", "draft")
    apps("run", "set-int-path", "--path", "spec.replicas", "--attribute-value", "2", "--space", SPACE,
         "--unit", "draft")  # fmt: skip

    passing = apps("function", "do", "no-placeholders", "--space", SPACE, "--unit", "draft")
    assert "no-placeholders: 1 of 1 unit(s) passed" in passing.out


def test_cel_validate_passes_and_fails_as_cubs_golden_outputs(apps: Mtx) -> None:
    ok = apps.json("function", "do", "cel-validate", 'r.kind != "Deployment" || r.spec.replicas > 1', "--space", SPACE,
                   "--unit", "mydep")  # fmt: skip
    failed = apps("function", "do", "cel-validate", 'r.kind != "Deployment" || r.spec.replicas > 5', "--space", SPACE,
                  "--unit", "mydep", "-o", "json", ok=False)  # fmt: skip

    assert ok["passed"] is True
    assert failed.code == 1
    assert failed.json["units"][0]["Details"] == [
        'resource example/mydep failed validation expression r.kind != "Deployment" || r.spec.replicas > 5'
    ]
    bad = apps("function", "do", "cel-validate", "r.spec.(", "--space", SPACE, ok=False)
    assert bad.code == 2 and "invalid CEL expression" in bad.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("function", "do", "set-everything", "x"), "unknown function 'set-everything'"),
        (("function", "do", "set-replicas", "five"), "--replicas must be an integer, not 'five'"),
        (("function", "do", "set-bool-path", "apps/v1/Deployment", "spec.paused", "maybe"), "must be true or false"),
        (("function", "do", "set-replicas", "--replicas=2", "3"), "cannot follow named arguments"),
        (("function", "do", "set-replicas", "--count=2"), "set-replicas has no parameter --count"),
        (("function", "do", "set-replicas", "1", "2"), "takes 1 argument(s)"),
        (("function", "do", "set-image-reference", "nginx"), "needs --image-reference"),
        (("function", "do", "set-image-reference", "nginx", "v2"), "start it with ':'"),
        (("function", "do", "delete-resource", "Service", "x"), "invalid resource type 'Service'"),
        (("function", "do", "set-string-path", "apps/v1/Deployment", "spec..x", "v"), "invalid path"),
    ],
)
def test_bad_function_input_exits_2_with_one_line_and_writes_nothing(
    apps: Mtx, args: tuple[str, ...], message: str
) -> None:
    before = apps.fingerprint()

    result = apps(*args, "--space", SPACE, ok=False)

    assert result.code == 2, result.err
    assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert apps.fingerprint() == before


def test_function_list_and_run_help_show_every_function_with_its_parameters() -> None:
    listed = run("function", "list")
    as_json = run("function", "list", "-o", "json").json
    helped = run("run", "--help").out.replace("\n", " ")

    assert listed.code == 0
    for sig in FUNCTIONS.values():
        line = next(row for row in listed.out.splitlines() if row.split()[0] == sig.name)
        assert all(p.name.upper() in line for p in sig.positional())
        assert sig.name in helped
        assert all(f"--{p.name}" in " ".join(helped.split()) for p in sig.params)
    assert {f["FunctionName"] for f in as_json} == set(FUNCTIONS)
    cel = next(f for f in as_json if f["FunctionName"] == "cel-validate")
    assert cel["Validating"] and not cel["Mutating"] and cel["Parameters"][0]["ParameterName"] == "validation-expr"


def test_the_cel_library_is_imported_only_by_cel_validate() -> None:
    probe = (
        "import sys; from mtx_gitops.cli.main import main\n"
        "for args in (['--help'], ['function', 'list'], ['run', 'set-replicas', '--help']):\n"
        "    try: main(args)\n"
        "    except SystemExit: pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'cel' or m.startswith('cel.'))))"
    )
    done = subprocess.run([sys.executable, "-c", "import json\n" + probe], capture_output=True, text=True, check=True)

    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
