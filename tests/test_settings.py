"""Config validation: every key checked, every problem reported, nothing registered."""

from __future__ import annotations

import pytest

from components.program import run as run_program
from components.settings import ConfigError, declared_keys, parse_settings
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
        assert getattr(settings, key) == spec.default, key


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
    assert prod.ssoEnabled and prod.ssoExistingSecret
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
    ({"ssoRbacEnabled": "true"}, "ssoRbacEnabled: found True, expected unset while ssoEnabled"),
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
        "ssoIssuer: found '', expected an https:// URL when ssoEnabled is true",
    ),
    ({"ssoIssuer": "http://idp.example.com"}, "ssoIssuer: found 'http://idp.example.com'"),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]', "ssoRedirectUrl": "https://a/cb"},
        "ssoRedirectUrl: found 'https://a/cb', expected a URL ending in /oauth2/callback",
    ),
    (
        {"ssoEnabled": "true", "serverAuthModes": '["sso"]'},
        "ssoExistingSecret: found '', expected the name of an existing Secret, or both",
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
            P + "ssoIssuer": "https://idp.example.com",
            P + "ssoRedirectUrl": "https://argo.example.com/oauth2/callback",
            P + "ssoClientId": "argo",
            P + "ssoClientSecret": "hunter2",
        },
        {P + "ssoClientSecret"},
    )
    assert settings.creates_sso_secret and settings.sso_secret_name == "argo-sso"


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
