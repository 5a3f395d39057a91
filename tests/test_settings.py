"""Config validation: every key checked, every problem reported, nothing registered."""

from __future__ import annotations

import pytest

from components.program import run as run_program
from components.settings import SECRET_KEYS, ConfigError, declared_keys, parse_settings
from tools import mock_runtime
from tools.stack_config import merged_config

P = "argo-workflows:"


def _problems(config: dict[str, object], secret_keys: set[str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_settings({P + k: v for k, v in config.items()}, secret_keys or set())
    return err.value.problems


def test_defaults_are_valid_and_match_pulumi_yaml():
    settings = parse_settings({})
    for key, spec in declared_keys().items():
        if key in SECRET_KEYS:
            continue
        assert getattr(settings, key) == spec.default, key
    assert settings.has_sso_client_secret is False


def test_settings_never_hold_a_secret_value():
    settings = parse_settings(
        {
            P + "ssoEnabled": "true",
            P + "serverAuthModes": '["sso"]',
            P + "ssoIssuer": "https://idp.corp.internal",
            P + "ssoRedirectUrl": "https://argo.corp.internal/oauth2/callback",
            P + "ssoClientId": "argo",
            P + "ssoViewerGroups": '["readers"]',
            P + "ssoClientSecret": "hunter2-value",
        },
        {P + "ssoClientSecret"},
    )
    assert settings.has_sso_client_secret is True
    assert "hunter2-value" not in repr(settings)
    assert not hasattr(settings, "ssoClientSecret")


def test_every_key_has_description_and_default():
    for key, spec in declared_keys().items():
        assert spec.description.strip(), f"{key} has no description"
        assert spec.default is not None, f"{key} has no default"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_committed_stacks_are_valid(stack):
    config, secret_keys = merged_config(stack)
    parse_settings(config, secret_keys)


def test_prod_differs_as_documented():
    config, secret_keys = merged_config("prod")
    prod = parse_settings(config, secret_keys)
    assert prod.controllerReplicas == 2 and prod.serverReplicas == 2
    assert prod.ssoEnabled and prod.ssoExistingSecret and prod.ssoRbacEnabled
    assert set(prod.serverAuthModes) == {"sso", "client"}
    assert prod.templateReferencing == "Secure"
    assert prod.protectNamespaces


def test_stack_files_hold_only_what_differs():
    from pathlib import Path

    import yaml

    defaults = {k: s.default for k, s in declared_keys().items()}
    for stack_file in Path(__file__).parent.parent.glob("Pulumi.*.yaml"):
        values = yaml.safe_load(stack_file.read_text()).get("config") or {}
        for key, value in values.items():
            short = key.removeprefix(P)
            assert short in defaults, f"{stack_file.name}: {key} is not declared"
            assert value != defaults[short], f"{stack_file.name}: {key} repeats the default"


# (config, a fragment the message must contain). Each names the key, what was found
# and what is expected.
BAD_CONFIGS = [
    ({"version": "4.1.2"}, "argo-workflows:version: found '4.1.2', expected a release tag vX.Y.Z"),
    ({"version": "v3.7.13"}, "version: found 'v3.7.13', expected at least v3.7.14"),
    ({"imageRegistry": "https://quay.io/argoproj/"}, "imageRegistry: found 'https://quay.io"),
    ({"controlNamespace": "Argo"}, "controlNamespace: found 'Argo', expected a DNS-1123 label"),
    ({"managedNamespace": "kube-system"}, "managedNamespace: found 'kube-system', expected a"),
    ({"managedNamespace": "argo"}, "expected a namespace other than controlNamespace 'argo'"),
    ({"managedNamespacePodSecurity": "privileged"}, "managedNamespacePodSecurity: found 'pri"),
    ({"createNamespaces": "yes"}, "createNamespaces: found 'yes', expected true or false"),
    ({"templateReferencing": "strict"}, "templateReferencing: found 'strict', expected one of"),
    ({"templateReferencing": "None"}, "expected one of Strict, Secure"),
    ({"controllerReplicas": "two"}, "controllerReplicas: found 'two', expected an integer"),
    ({"serverReplicas": 0}, "serverReplicas: found 0, expected an integer from 1 to 10"),
    ({"workflowTtlSecondsAfterSuccess": -1}, "workflowTtlSecondsAfterSuccess: found -1"),
    ({"podGcStrategy": "Always"}, "podGcStrategy: found 'Always', expected one of OnPodComp"),
    ({"podGcDeleteDelay": "3 days"}, "podGcDeleteDelay: found '3 days', expected a Go duration"),
    ({"controllerCpuRequest": "lots"}, "controllerCpuRequest: found 'lots', expected a CPU"),
    ({"serverCpuLimit": "1Gi"}, "serverCpuLimit: found '1Gi', expected a CPU quantity"),
    ({"controllerMemoryLimit": "512m"}, "controllerMemoryLimit: found '512m', expected a memory"),
    (
        {"ingressEnabled": "true", "ingressHost": "argo.example.com", "serverBaseHref": "/argo/"},
        "serverBaseHref: found '/argo/', expected '/' when ingressEnabled is true",
    ),
    ({"ssoExistingSecret": "sso"}, "ssoExistingSecret: found 'sso', expected another name"),
    (
        {"ssoExistingSecret": "argo-server-sso"},
        "ssoExistingSecret: found 'argo-server-sso', expected another name",
    ),
    ({"ssoRbacEnabled": "false"}, "ssoRbacEnabled: found False, expected unset while ssoEnabled"),
    ({"ssoViewerGroups": '["a"]'}, "ssoViewerGroups: found ['a'], expected unset while ssoEnabl"),
    ({"ssoSubmitterGroups": '["a\\"b"]'}, "ssoSubmitterGroups: found ['a\"b'], expected every"),
    ({"executorServiceAccount": "workflow"}, "executorServiceAccount: found 'workflow', expected"),
    ({"kubeconfig": "{}"}, "kubeconfig: found '{}', expected the path of a kubeconfig file"),
    ({"installCrds": "maybe"}, "installCrds: found 'maybe', expected true or false"),
    ({"ingressTlsSecret": "tls"}, "ingressTlsSecret: found 'tls', expected unset while ingressEn"),
    ({"serverMemoryRequest": "1Gi"}, "serverMemoryRequest: found '1Gi', expected no more than"),
    ({"serverAuthModes": '["token"]'}, "serverAuthModes: found ['token'], expected one or more"),
    ({"serverAuthModes": "[]"}, "serverAuthModes: found [], expected one or more distinct"),
    ({"serverAuthModes": "client"}, "serverAuthModes: found 'client', expected a list of strings"),
    ({"serverSecure": "false", "serverTlsSecret": "tls"}, "serverTlsSecret: found 'tls'"),
    ({"serverBaseHref": "/argo"}, "serverBaseHref: found '/argo', expected a path that starts"),
    ({"ssoEnabled": "true"}, "serverAuthModes: found ['client'], expected to contain 'sso'"),
    ({"serverAuthModes": '["sso"]'}, "to contain 'sso' exactly when ssoEnabled is true"),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoIssuer: found '', expected a value of this stack when ssoEnabled is true",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoClientId: found '', expected a value of this stack when ssoEnabled is true",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoViewerGroups: found [], expected at least one group in ssoViewerGroups or",
    ),
    ({"ssoIssuer": "http://idp.example.com"}, "ssoIssuer: found 'http://idp.example.com'"),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]', "ssoRedirectUrl": "https://a/cb"},
        "ssoRedirectUrl: found 'https://a/cb', expected a URL ending in /oauth2/callback",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoExistingSecret: found '', expected the name of an existing Secret holding the client",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoRedirectUrl: found '', expected an https:// URL ending in /oauth2/callback when",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]', "ssoScopes": '["email"]'},
        "ssoScopes: found ['email'], expected to include 'groups' when ssoRbacEnabled",
    ),
    (
        {
            "ssoEnabled": "true",
            "serverAuthModes": '["sso"]',
            "ssoViewerGroups": '["ops"]',
            "ssoSubmitterGroups": '["ops"]',
        },
        "ssoViewerGroups: found ['ops'], expected groups not also in ssoSubmitterGroups",
    ),
    ({"ssoSessionExpiry": "forever"}, "ssoSessionExpiry: found 'forever', expected a Go dur"),
    ({"ingressEnabled": "true"}, "ingressHost: found '', expected a DNS name when ingressEnabled"),
    ({"ingressHost": "Argo Example"}, "ingressHost: found 'Argo Example', expected a DNS-1123"),
    ({"allowedServiceAccounts": "[]"}, "allowedServiceAccounts: found [], expected at least one"),
    ({"artifactSecretNames": '["S3 creds"]'}, "artifactSecretNames: found ['S3 creds']"),
    ({"replicas": "2"}, "argo-workflows:replicas: unknown key"),
    (
        {"workflowServiceAccount": "runner"},
        "allowedServiceAccounts: found ['workflow'], expected to include workflowServiceAccount",
    ),
]


@pytest.mark.parametrize(("config", "message"), BAD_CONFIGS, ids=[m for _, m in BAD_CONFIGS])
def test_bad_config_is_rejected_with_a_clear_message(config, message):
    problems = _problems(config)
    assert any(message in p for p in problems), problems


def test_plain_client_secret_is_rejected_and_never_echoed():
    problems = _problems(
        {
            "ssoEnabled": "true",
            "serverAuthModes": '["sso"]',
            "ssoIssuer": "https://idp.example.com",
            "ssoRedirectUrl": "https://argo.example.com/oauth2/callback",
            "ssoClientId": "argo",
            "ssoClientSecret": "hunter2",
        }
    )
    assert any("ssoClientSecret" in p and "a secret value" in p for p in problems)
    assert not any("hunter2" in p for p in problems)


def test_secret_client_secret_is_accepted():
    settings = parse_settings(
        {
            P + "ssoEnabled": "true",
            P + "serverAuthModes": '["sso"]',
            P + "ssoIssuer": "https://idp.corp.internal",
            P + "ssoRedirectUrl": "https://argo.corp.internal/oauth2/callback",
            P + "ssoClientId": "argo",
            P + "ssoSubmitterGroups": '["ops"]',
            P + "ssoClientSecret": "hunter2",
        },
        {P + "ssoClientSecret"},
    )
    assert settings.sso_client_secret_secret == settings.sso_client_id_secret == "argo-server-sso"


_SSO = {
    "ssoEnabled": "true",
    "serverAuthModes": '["sso", "client"]',
    "ssoExistingSecret": "oidc",
    "ssoRedirectUrl": "https://argo.corp.internal/oauth2/callback",
    "ssoViewerGroups": '["readers"]',
}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ssoIssuer", "https://login.example.com"),
        ("ssoIssuer", "https://example.org/dex"),
        ("ssoIssuer", "https://sso.example.net"),
        ("ssoIssuer", "https://dex.corp.example"),
        ("ssoIssuer", "https://dex.test"),
        ("ssoIssuer", "https://idp.invalid"),
        ("ssoIssuer", "https://localhost:5556/dex"),
        ("ssoIssuer", "https://changeme.corp.internal"),
        ("ssoIssuer", "https://<your-idp>/dex"),
        ("ssoClientId", "changeme"),
        ("ssoClientId", "<client-id>"),
    ],
)
def test_placeholder_issuer_or_client_id_is_a_config_error(key, value):
    config = {**_SSO, "ssoIssuer": "https://dex.corp.internal", "ssoClientId": "argo"}
    config[key] = value
    problems = _problems(config)
    assert [p for p in problems if p.startswith(f"{P}{key}: found {value!r}")], problems
    assert any("not a placeholder" in p for p in problems)


def test_real_issuer_and_client_id_are_accepted():
    settings = parse_settings(
        {P + k: v for k, v in {**_SSO, "ssoIssuer": "https://dex.corp.internal",
                               "ssoClientId": "argo-workflows"}.items()}
    )  # fmt: skip
    assert settings.ssoIssuer == "https://dex.corp.internal"
    assert settings.ssoScopes == ["groups", "email", "profile"]


def test_prod_stack_file_names_only_issuer_client_secret_and_groups():
    from pathlib import Path

    import yaml

    prod = yaml.safe_load((Path(__file__).parent.parent / "Pulumi.prod.yaml").read_text())
    sso_keys = {k.removeprefix(P) for k in prod["config"] if k.startswith(P + "sso")}
    assert sso_keys == {
        "ssoEnabled", "ssoIssuer", "ssoClientId", "ssoExistingSecret",
        "ssoViewerGroups", "ssoSubmitterGroups",
    }  # fmt: skip


def test_all_problems_are_reported_in_one_error():
    problems = _problems(
        {
            "version": "latest",
            "controllerReplicas": "many",
            "templateReferencing": "Off",
            "managedNamespace": "argo",
            "bogus": "1",
        }
    )
    assert len(problems) == 5, problems
    for key in (
        "version",
        "controllerReplicas",
        "templateReferencing",
        "managedNamespace",
        "bogus",
    ):
        assert any(f"{P}{key}:" in p for p in problems), (key, problems)


def test_bad_config_registers_no_resource():
    config, secret_keys = merged_config("dev", {"templateReferencing": "Off", "version": "x"})
    recorder = mock_runtime.install()
    with pytest.raises(ConfigError) as err:
        mock_runtime.run(run_program, config, secret_keys)
    assert len(err.value.problems) == 2
    assert recorder.registered == []


def test_missing_templates_dir_names_the_key(render, tmp_path):
    with pytest.raises(ConfigError) as err:
        render("dev", {"templatesDir": str(tmp_path / "nope")})
    assert any("argo-workflows:templatesDir: found" in p for p in err.value.problems)


def test_catalog_pod_security_follows_config(render, tmp_path):
    (tmp_path / "t.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: WorkflowTemplate\n"
        "metadata:\n"
        "  name: loose\n"
        "  annotations: {workflows.argoproj.io/description: Privilege escalation.}\n"
        "spec:\n"
        "  entrypoint: main\n"
        "  templates:\n"
        "    - name: main\n"
        "      container:\n"
        "        image: busybox:1.36.1\n"
        "        securityContext: {allowPrivilegeEscalation: true}\n"
    )
    with pytest.raises(ConfigError) as err:
        render("dev", {"templatesDir": str(tmp_path)})
    assert any("allowPrivilegeEscalation: found true" in p for p in err.value.problems)
    relaxed = render("dev", {"templatesDir": str(tmp_path), "requireRestrictedPods": "false"})
    assert relaxed.outputs["templateNames"] == ["loose"]


def test_program_reads_config_through_pulumi_config_and_never_the_secret_value():
    from components.settings import read_pulumi_config

    config, secret_keys = merged_config(
        "dev", {"bogusKey": "1"}, secret_overrides={"ssoClientSecret": "hunter2-value"}
    )
    _, (raw, secrets) = mock_runtime.run(read_pulumi_config, config, secret_keys)
    assert raw[P + "ssoClientSecret"] == "<set>"
    assert "hunter2-value" not in repr(raw)
    assert P + "ssoClientSecret" in secrets
    assert raw[P + "version"] == "v4.1.2"
    # An undeclared key is still seen, so it is reported rather than ignored.
    assert P + "bogusKey" in raw
    with pytest.raises(ConfigError) as err:
        parse_settings(raw, secrets)
    assert any("argo-workflows:bogusKey: unknown key" in p for p in err.value.problems)


@pytest.mark.parametrize(
    "issuer",
    [
        "https://dex.corp.internal",
        "https://auth.todoist-like.io/dex",
        "https://login.exampleco.com",
    ],
)
def test_real_looking_issuers_are_not_placeholders(issuer):
    from components.settings import placeholder_reason

    assert placeholder_reason(issuer) is None
