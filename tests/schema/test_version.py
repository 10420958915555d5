"""The Kubernetes version a repo is checked against: `kubernetesVersion` in mtx.yaml, or the default."""

from __future__ import annotations

import pytest

from mtx_gitops.errors import UserError
from mtx_gitops.schema import version


def test_the_default_is_a_fixed_shipped_minor() -> None:
    assert version.configured({}) == version.DEFAULT_VERSION == "1.33"
    assert version.DEFAULT_VERSION in version.shipped_versions()
    assert version.schema_dir("1.33", strict=True).name == "v1.33.0-local-strict"
    assert (version.schema_dir("1.33", strict=True) / "_definitions.json").is_file()


@pytest.mark.parametrize("written", ["1.30", "v1.30", "1.30.4"])
def test_a_named_version_is_normalized_to_its_minor(written: str) -> None:
    assert version.configured({"kubernetesVersion": written}) == "1.30"


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("1.20", "no schema for Kubernetes 1.20 in kubernetes-validate"),
        ("2.0", "is not a Kubernetes version"),
        ("latest", "is not a Kubernetes version"),
        (1.3, "is a number; write the version as a string"),
        (["1.33"], "is not a Kubernetes version"),
    ],
)
def test_a_version_without_a_schema_is_one_clear_line(written: object, says: str) -> None:
    with pytest.raises(UserError, match=says) as caught:
        version.configured({"kubernetesVersion": written})
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("mtx.yaml kubernetesVersion: ")


def test_the_package_version_is_known() -> None:
    assert version.package_version()[0].isdigit()
