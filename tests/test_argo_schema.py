"""The Argo schema table (policies/argo_rules/schema.py) and Go key binding (go_json.py).

The v4.1.2 table below is written from upstream code and release notes, independently of
the generator's delta (tools/argo_schema_delta.py): whatever seeds the schema, every
field Argo v4.1.2 accepts beyond v4.0.5 must be in it, at the right type.
"""

from __future__ import annotations

import json

import pytest

from policies.argo_rules import go_json
from policies.argo_rules.go_json import canonicalize, get_ci
from policies.argo_rules.schema import ROOT_KINDS, load_schema

SCHEMA = load_schema("v4.1.2")

# (root kind, path from the root, expected kind, expected ref fields or item kind, upstream)
# A path step "[]" is an array element; map keys are not used here.
V4_1_2_ONLY = [
    # argo-workflows#16399 WorkflowSpec.PodResources / Template.PodResources,
    # corev1.ResourceRequirements (limits/requests of Quantity)
    ("Workflow", ("spec", "podResources"), "object", {"limits", "requests"}, "#16399"),
    (
        "WorkflowTemplate",
        ("spec", "templates", "[]", "podResources"),
        "object",
        {"limits", "requests"},
        "#16399",
    ),
    # argo-workflows#16576 resourceClaims []corev1.PodResourceClaim
    (
        "Workflow",
        ("spec", "resourceClaims", "[]"),
        "object",
        {"name", "resourceClaimName", "resourceClaimTemplateName"},
        "#16576",
    ),
    (
        "ClusterWorkflowTemplate",
        ("spec", "templates", "[]", "resourceClaims", "[]"),
        "object",
        {"name", "resourceClaimName", "resourceClaimTemplateName"},
        "#16576",
    ),
    # argo-workflows#15234 executorPlugins []ExecutorPlugin{spec: PluginSpec{sidecar}}
    # (pkg/apis/workflow/v1alpha1/executor_plugin.go, pkg/plugins/spec/plugin_types.go)
    (
        "Workflow",
        ("spec", "executorPlugins", "[]", "spec", "sidecar"),
        "object",
        {"container", "automountServiceAccountToken"},
        "#15234",
    ),
    (
        "CronWorkflow",
        ("spec", "workflowSpec", "executorPlugins", "[]", "spec", "sidecar", "container"),
        "object",
        {"image", "securityContext", "ports"},
        "#15234",
    ),
    # argo-workflows#10341 Template.PendingTimeout, a duration string
    ("WorkflowTemplate", ("spec", "templates", "[]", "pendingTimeout"), "string", None, "#10341"),
    # argo-workflows#10851 S3Bucket.AddressingStyle (inlined in S3Artifact)
    (
        "Workflow",
        ("spec", "templates", "[]", "outputs", "artifacts", "[]", "s3", "addressingStyle"),
        "string",
        None,
        "#10851",
    ),
    # argo-workflows#12656 HTTPArtifact.SaveStreamViaFile
    (
        "Workflow",
        ("spec", "templates", "[]", "inputs", "artifacts", "[]", "http", "saveStreamViaFile"),
        "boolean",
        None,
        "#12656",
    ),
    # k8s.io/api 1.34 core/v1: Container.RestartPolicyRules []ContainerRestartRule
    (
        "WorkflowTemplate",
        ("spec", "templates", "[]", "container", "restartPolicyRules", "[]"),
        "object",
        {"action", "exitCodes"},
        "k8s 1.34",
    ),
    # k8s.io/api 1.34 core/v1: EnvVarSource.FileKeyRef *FileKeySelector
    (
        "WorkflowTemplate",
        ("spec", "templates", "[]", "script", "env", "[]", "valueFrom", "fileKeyRef"),
        "object",
        {"volumeName", "path", "key", "optional"},
        "k8s 1.34",
    ),
    # k8s.io/api 1.34 core/v1: VolumeProjection.PodCertificate *PodCertificateProjection
    (
        "Workflow",
        ("spec", "volumes", "[]", "projected", "sources", "[]", "podCertificate"),
        "object",
        {"signerName", "keyType", "credentialBundlePath", "keyPath", "certificateChainPath"},
        "k8s 1.34",
    ),
    # k8s.io/api 1.35 core/v1: PodCertificateProjection.UserAnnotations map[string]string
    # (Argo v4.1 vendors client-go v0.35)
    (
        "Workflow",
        (
            "spec",
            "volumes",
            "[]",
            "projected",
            "sources",
            "[]",
            "podCertificate",
            "userAnnotations",
        ),
        "map",
        None,
        "k8s 1.35",
    ),
]

# Fields Argo had before v4.1 that must still be there (Hera's v4.0.5 models).
OLD_FIELDS = [
    ("Workflow", ("spec", "workflowTemplateRef", "clusterScope"), "boolean"),
    ("Workflow", ("spec", "podSpecPatch"), "string"),
    ("Workflow", ("status", "storedWorkflowTemplateSpec", "templates", "[]", "name"), "string"),
    ("WorkflowTemplate", ("spec", "templates", "[]", "plugin"), "any"),
    (
        "WorkflowTemplate",
        ("spec", "templates", "[]", "steps", "[]", "[]", "withItems", "[]"),
        "any",
    ),
    ("WorkflowTemplate", ("spec", "templates", "[]", "dag", "tasks", "[]", "depends"), "string"),
    ("WorkflowTemplate", ("spec", "templates", "[]", "containerSet", "containers", "[]"), "object"),
    (
        "WorkflowTemplate",
        ("spec", "templates", "[]", "securityContext", "seccompProfile"),
        "object",
    ),
    ("CronWorkflow", ("spec", "schedules", "[]"), "string"),
    ("WorkflowEventBinding", ("spec", "submit", "workflowTemplateRef", "clusterScope"), "boolean"),
    ("Workflow", ("spec", "volumes", "[]", "hostPath", "path"), "string"),
    ("Workflow", ("spec", "affinity", "nodeAffinity"), "object"),
    ("Workflow", ("spec", "tolerations", "[]", "tolerationSeconds"), "integer"),
    ("Workflow", ("metadata", "labels"), "map"),
]


def _at(kind: str, path: tuple[str, ...]):
    steps = [0 if step == "[]" else step for step in path]
    return SCHEMA.at(SCHEMA.root(kind), steps)


@pytest.mark.parametrize(("kind", "path", "expected", "members", "source"), V4_1_2_ONLY)
def test_v4_1_2_fields_present_at_the_right_type(kind, path, expected, members, source):
    found = _at(kind, path)
    assert found is not None, f"{kind} {'.'.join(path)} ({source}) missing"
    assert found.kind == expected
    if members:
        assert members <= set(SCHEMA.type(found.ref).fields)


@pytest.mark.parametrize(("kind", "path", "expected"), OLD_FIELDS)
def test_older_fields_are_still_there(kind, path, expected):
    found = _at(kind, path)
    assert found is not None and found.kind == expected


def test_unknown_field_is_not_in_the_schema():
    assert _at("Workflow", ("spec", "podResource")) is None
    assert _at("Workflow", ("spec", "templates", "[]", "pendingTimeOutx")) is None


def test_roots_cover_the_five_kinds_and_their_spec_and_metadata():
    assert set(ROOT_KINDS) <= set(SCHEMA.roots)
    for kind in ROOT_KINDS:
        fields = SCHEMA.type(SCHEMA.root(kind)).fields
        assert {"apiVersion", "kind", "metadata", "spec"} <= set(fields)
        assert fields["metadata"].ref == "ObjectMeta"
    assert "status" in SCHEMA.type(SCHEMA.root("Workflow")).fields
    with pytest.raises(KeyError):
        SCHEMA.root("Sensor")


def test_int_or_string_quantity_and_any_string_are_typed_as_argo_types_them():
    # Template.activeDeadlineSeconds is intstr.IntOrString (workflow_types.go),
    # RetryStrategy.limit too; resources are Quantity; Parameter.value is AnyString
    # (anystring.go: numbers and booleans become strings).
    template = SCHEMA.type("Template")
    assert template.fields["activeDeadlineSeconds"].kind == "IntOrString"
    assert SCHEMA.type("RetryStrategy").fields["limit"].kind == "IntOrString"
    requests = SCHEMA.type("ResourceRequirements").fields["requests"]
    assert requests.kind == "map" and requests.item.kind == "Quantity"
    parameter = SCHEMA.type("Parameter").fields
    assert parameter["value"].kind == "AnyString"
    assert parameter["default"].kind == "AnyString"
    assert parameter["enum"].kind == "array" and parameter["enum"].item.kind == "AnyString"
    # WorkflowSpec.activeDeadlineSeconds is a plain int64
    assert SCHEMA.type("WorkflowSpec").fields["activeDeadlineSeconds"].kind == "integer"
    probe_port = SCHEMA.at("Container", ["livenessProbe", "httpGet", "port"])
    assert probe_port.kind == "IntOrString"


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("IntOrString", ["1", 3], [1.5, True, None, {}]),
        ("Quantity", ["100m", 2, 0.5], [True, [], None]),
        ("AnyString", ["x", 1, 2.5, False], [None, {}, []]),
        ("integer", [1, 2.0], ["1", True, 1.5]),
        ("boolean", [True], ["true", 1]),
    ],
)
def test_accepts_json_by_kind(kind, good, bad):
    field_type = SCHEMA.field_type(kind)
    assert all(field_type.accepts_json(v) for v in good)
    assert not any(field_type.accepts_json(v) for v in bad)


def test_enums_where_argo_checks_them():
    assert set(SCHEMA.type("RetryStrategy").fields["retryPolicy"].enum) == {
        "Always",
        "OnFailure",
        "OnError",
        "OnTransientError",
    }
    assert SCHEMA.type("Container").fields["imagePullPolicy"].enum == (
        "Always",
        "Never",
        "IfNotPresent",
    )
    assert SCHEMA.type("Container").fields["image"].enum is None


def test_required_fields():
    assert "name" in SCHEMA.type("Parameter").required
    assert "spec" in SCHEMA.type("ExecutorPlugin").required
    # Argo's own swagger lets a template container go without a name (it becomes "main").
    assert "name" not in SCHEMA.type("Container").required


def test_kubernetes_types_are_marked():
    assert SCHEMA.type("Container").kubernetes
    assert SCHEMA.type("PodCertificateProjection").kubernetes
    assert not SCHEMA.type("Template").kubernetes


def test_load_is_cached_and_fast(monkeypatch: pytest.MonkeyPatch):
    """Fast without a clock: a fresh load parses each small data file once, looking a type
    up reads nothing more, and a second load parses nothing."""
    from policies.argo_rules import schema

    assert load_schema() is SCHEMA
    parsed: list[str] = []
    real_load = json.load

    def counting_load(handle, *args, **kwargs):
        parsed.append(handle.name)
        return real_load(handle, *args, **kwargs)

    monkeypatch.setattr(json, "load", counting_load)
    load_schema.cache_clear()
    try:
        fresh = load_schema("v4.1.2")
        fresh.type("Template")
        fresh.type("Container")
        assert load_schema("v4.1.2") is fresh
    finally:
        load_schema.cache_clear()
    files = sorted(schema._DATA.glob("*-v4.1.2.json"))
    assert sorted(parsed) == [str(path) for path in files]
    # The data is a few tens of kB of JSON.
    assert sum(path.stat().st_size for path in files) < 100_000


def test_unknown_version_names_the_known_ones():
    with pytest.raises(ValueError, match="v4.1.2"):
        load_schema("v9.9.9")


def test_data_file_is_compact_json():
    from policies.argo_rules import schema

    path = schema._DATA / "argo-v4.1.2.json"
    data = json.loads(path.read_text())
    assert data["version"] == "v4.1.2"
    assert "4.0.5" in data["seed"]


# --- Go encoding/json key binding ---------------------------------------------------


def test_canonicalize_renames_keys_case_insensitively_along_the_schema():
    manifest = {
        "apiVersion": "argoproj.io/v1alpha1",
        "Kind": "Workflow",
        "metadata": {"generateName": "x-", "Labels": {"Team": "a"}},
        "spec": {
            "WorkflowTemplateRef": {"name": "t", "clusterscope": True},
            "arguments": {"Parameters": [{"NAME": "p", "value": 1}]},
        },
    }
    result = canonicalize(manifest, "Workflow", SCHEMA)
    assert result.value["kind"] == "Workflow"
    assert result.value["metadata"]["labels"] == {"Team": "a"}  # map keys untouched
    assert result.value["spec"]["workflowTemplateRef"] == {"name": "t", "clusterScope": True}
    assert result.value["spec"]["arguments"]["parameters"] == [{"name": "p", "value": 1}]
    assert result.collisions == () and result.unknown == ()
    assert ("spec.workflowTemplateRef.clusterScope", "clusterscope") in result.renamed
    # the input is not modified
    assert "WorkflowTemplateRef" in manifest["spec"]


def test_canonicalize_non_ascii_folding_like_go():
    # encoding/json fold.go: "ſ" (U+017F) folds with "s", the Kelvin sign with "k".
    result = canonicalize({"\u017fpec": {"entrypoint": "m"}}, "Workflow", SCHEMA)
    assert result.value == {"spec": {"entrypoint": "m"}}
    result = canonicalize({"\u212aind": "Workflow"}, "Workflow", SCHEMA)
    assert result.value == {"kind": "Workflow"}


def test_collision_last_in_sorted_order_wins_and_is_reported():
    spec = {"workflowTemplateRef": {"name": "t", "clusterScope": False, "clusterscope": True}}
    result = canonicalize({"spec": spec}, "Workflow", SCHEMA)
    assert result.value["spec"]["workflowTemplateRef"]["clusterScope"] is True
    (collision,) = result.collisions
    assert collision.path == "spec.workflowTemplateRef"
    assert collision.field == "clusterScope"
    assert collision.keys == ("clusterScope", "clusterscope")
    assert collision.kept == "clusterscope"
    # written in the other order, the outcome is the same: Go sees sorted keys
    spec = {"workflowTemplateRef": {"clusterscope": True, "clusterScope": False, "name": "t"}}
    assert canonicalize({"spec": spec}, "Workflow", SCHEMA).value == result.value


def test_collision_of_struct_values_merges_like_go():
    container = {
        "image": "x",
        "SecurityContext": {"privileged": True, "runAsUser": 0},
        "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
    }
    result = canonicalize(container, "Container", SCHEMA)
    assert result.value["securityContext"] == {
        "privileged": True,
        "runAsUser": 1000,
        "runAsNonRoot": True,
    }
    assert result.collisions[0].merged


def test_collision_of_list_values_replaces():
    spec = {"Templates": [{"name": "a"}], "templates": [{"name": "b"}]}
    result = canonicalize({"spec": spec}, "WorkflowTemplate", SCHEMA)
    assert result.value["spec"]["templates"] == [{"name": "b"}]
    assert not result.collisions[0].merged


def test_unknown_keys_are_kept_and_listed():
    result = canonicalize({"spec": {"entrypoint": "m", "podResourcez": {}}}, "Workflow", SCHEMA)
    assert result.value["spec"]["podResourcez"] == {}
    assert result.unknown == ("spec.podResourcez",)


def test_any_subtrees_are_left_alone():
    template = {"name": "p", "Plugin": {"Hello": {"Args": ["x"]}}}
    result = canonicalize(template, "Template", SCHEMA)
    assert result.value == {"name": "p", "plugin": {"Hello": {"Args": ["x"]}}}
    assert result.unknown == ()


def test_v4_1_2_keys_are_known_to_canonicalize():
    spec = {"PodResources": {"Limits": {"cpu": "1"}}, "executorplugins": [{"Spec": {}}]}
    result = canonicalize({"spec": spec}, "Workflow", SCHEMA)
    assert result.value["spec"] == {
        "podResources": {"limits": {"cpu": "1"}},
        "executorPlugins": [{"spec": {}}],
    }
    assert result.unknown == ()


_EXACT_TEMPLATE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "t", "labels": {"Team": "a", "team": "b"}},
    "spec": {
        "entrypoint": "main",
        "templates": [
            {"name": "main", "steps": [[{"name": "s", "template": "run"}]]},
            {
                "name": "run",
                "container": {"image": "x", "securityContext": {"runAsNonRoot": True}},
                "plugin": {"Hello": {"Args": ["x"]}},
            },
        ],
    },
}


def _with(path: tuple, key: str, value: object) -> dict:
    manifest = json.loads(json.dumps(_EXACT_TEMPLATE))
    target = manifest
    for step in path:
        target = target[step]
    target[key] = value
    return manifest


def test_is_canonical_when_every_key_is_a_field_name():
    # map keys (labels) and "any" subtrees (plugin) are not field names and may be any case
    assert go_json.is_canonical(_EXACT_TEMPLATE, "WorkflowTemplate", SCHEMA)
    result = canonicalize(_EXACT_TEMPLATE, "WorkflowTemplate", SCHEMA)
    assert result.value == _EXACT_TEMPLATE
    assert (result.collisions, result.unknown, result.renamed) == ((), (), ())


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        # a case variant deep in a list of templates, in a struct, in a list of lists
        (("spec", "templates", 1, "container"), "SecurityContext", {"privileged": True}),
        (("spec", "templates", 1, "container", "securityContext"), "Privileged", True),
        (("spec", "templates", 0, "steps", 0, 0), "Template", "run"),
        # Go's non-ASCII folding: U+017F folds with "s"
        (("spec",), "\u017fuspend", True),
        # a key no field binds
        (("spec", "templates", 1), "podSpecPatchh", "{}"),
        # two keys binding one field
        (("metadata",), "Name", "u"),
    ],
)
def test_is_not_canonical_when_a_key_binds_by_case_collides_or_is_unknown(path, key, value):
    manifest = _with(path, key, value)
    assert not go_json.is_canonical(manifest, "WorkflowTemplate", SCHEMA)
    result = canonicalize(manifest, "WorkflowTemplate", SCHEMA)
    assert result.collisions or result.unknown or result.renamed


def test_get_ci():
    mapping = {"templateReferencing": "Strict", "TemplateReferencing": "None"}
    assert get_ci(mapping, "templateReferencing") == "Strict"
    # an exact key loses to a case variant decoded after it ("abc" sorts after "aBc")
    assert get_ci({"aBc": 1, "abc": 2}, "aBc") == 2
    assert get_ci({"TemplateReferencing": "Secure"}, "templateReferencing") == "Secure"
    # among case variants, the one Go decodes last (sorted) wins
    assert get_ci({"Abc": 1, "aBC": 2}, "abc") == 2
    assert get_ci({}, "x", "d") == "d"
    assert get_ci(None, "x") is None


def test_bind_key():
    info = SCHEMA.type("WorkflowTemplateRef")
    assert go_json.bind_key(info, "CLUSTERSCOPE") == "clusterScope"
    assert go_json.bind_key(info, "cluster_scope") is None


def test_committed_data_matches_the_generator():
    from tools import argo_schema

    assert argo_schema.main(["--check"]) == 0


# --- the controller ConfigMap (config/config.go Config) -------------------------------

CONTROLLER_FIELDS = [
    # config/config.go Config: the keys rules read, with their Go types
    (("workflowRestrictions", "templateReferencing"), "string"),
    (("workflowDefaults", "spec", "serviceAccountName"), "string"),
    (("workflowDefaults", "spec", "templates", "[]", "container"), "object"),
    (("mainContainer", "securityContext", "runAsNonRoot"), "boolean"),
    (("executor", "securityContext", "seccompProfile", "type"), "string"),
    (("sso", "clientSecret", "key"), "string"),
    (("sso", "rbac", "enabled"), "boolean"),
    (("sso", "sessionExpiry"), "string"),
    (("artifactRepository", "s3", "bucket"), "string"),
    (("persistence", "postgresql", "passwordSecret", "name"), "string"),
    (("persistence", "archiveTTL"), "string"),
    (("namespaceParallelism",), "integer"),
    (("links", "[]", "url"), "string"),
    (("images",), "map"),
    (("initlessPod", "enabled"), "boolean"),
    # v4.x keys from the generated reference docs/workflow-controller-configmap.md
    (("failedPodRestart", "maxRestarts"), "integer"),
    (("artifactDrivers", "[]", "image"), "string"),
    (("disableAgentPodCreation",), "boolean"),
    (("persistence", "postgresql", "awsRDSToken", "region"), "string"),
    (("synchronization", "dbReconnectConfig", "retryMultiple"), "number"),
]


@pytest.mark.parametrize(("path", "expected"), CONTROLLER_FIELDS)
def test_controller_config_fields(path, expected):
    found = _at("ControllerConfig", path)
    assert found is not None and found.kind == expected


def test_controller_config_template_referencing_values():
    field = SCHEMA.type(SCHEMA.root("ControllerConfig")).fields["workflowRestrictions"]
    restrictions = SCHEMA.type(field.ref)
    assert set(restrictions.fields["templateReferencing"].enum) == {"", "Strict", "Secure"}


def test_read_configmap_per_key_documents_like_the_controller():
    from policies.argo_rules.controller_config import configmap_document, read_configmap

    data = {
        "WorkflowRestrictions": "TemplateReferencing: Secure\n",
        "parallelism": "10",
        "mainContainer": "securityContext:\n  runAsNonRoot: true\n",
    }
    document = configmap_document(data)
    assert "mainContainer:\n  securityContext:\n    runAsNonRoot: true\n" in document
    read = read_configmap(data, SCHEMA)
    assert read.error is None
    assert read.value["workflowRestrictions"] == {"templateReferencing": "Secure"}
    assert read.value["parallelism"] == 10
    assert read.value["mainContainer"]["securityContext"] == {"runAsNonRoot": True}


def test_read_configmap_reports_collisions_unknown_keys_and_errors():
    from policies.argo_rules.controller_config import read_configmap

    data = {
        "workflowRestrictions": "templateReferencing: Strict\n",
        "workflowrestrictions": "templateReferencing: None\n",
        "noSuchKey": "1",
    }
    read = read_configmap(data, SCHEMA)
    # both keys bind to workflowRestrictions; "workflowrestrictions" sorts last and wins
    assert read.value["workflowRestrictions"] == {"templateReferencing": "None"}
    assert read.canonical.collisions[0].kept == "workflowrestrictions"
    assert read.canonical.unknown == ("noSuchKey",)
    assert read_configmap({"config": "a: 1", "other": "x"}, SCHEMA).error
    assert read_configmap({"workflowRestrictions": "a: [b"}, SCHEMA).error
    whole = read_configmap(
        {"config": "workflowRestrictions:\n  templateReferencing: Strict\n"}, SCHEMA
    )
    assert whole.value == {"workflowRestrictions": {"templateReferencing": "Strict"}}


def test_collision_at_the_top_level_has_an_empty_path():
    result = canonicalize({"Spec": {}, "spec": {}}, "Workflow", SCHEMA)
    assert result.collisions[0].path == ""
    assert result.collisions[0].kept == "spec"
