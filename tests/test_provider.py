"""One explicit Kubernetes provider, from stack config, behind every object."""

from __future__ import annotations

import pytest

from components.settings import ConfigError

PROVIDER_TYPE = "pulumi:providers:kubernetes"


def _providers(render):
    return [r for r in render.resources if r.type == PROVIDER_TYPE]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_object_deploys_through_the_one_explicit_provider(stack_render, stack):
    render = stack_render(stack)
    (provider,) = _providers(render)
    reference = f"{provider.urn}::{provider.name}-id"
    objects = [r for r in render.resources if r.custom and r.type.startswith("kubernetes:")]
    assert len(objects) > 20
    for r in objects:
        # A resource without an explicit provider would fall back to the ambient default
        # provider (whatever the current kubeconfig context is).
        assert r.provider == reference, (r.type, r.name, r.provider)
    # Server-side apply (the provider's inputs are strings on the wire).
    assert provider.inputs["enableServerSideApply"] == "true"
    # Nothing chosen in config: the provider uses the ambient kubeconfig and context.
    assert "kubeconfig" not in provider.inputs and "context" not in provider.inputs


def test_provider_takes_kubeconfig_and_context_from_config(render):
    result = render("prod", {"kubeconfig": "/etc/deploy/kubeconfig", "kubeContext": "prod-eu"})
    (provider,) = _providers(result)
    assert provider.inputs["kubeconfig"] == "/etc/deploy/kubeconfig"
    assert provider.inputs["context"] == "prod-eu"
    # The provider is not a Kubernetes object: it is never rendered.
    assert not [o for o in result.objects if "kubeconfig" in str(o.get("kind", ""))]


def test_kubeconfig_contents_are_refused(render):
    with pytest.raises(ConfigError) as err:
        render("dev", {"kubeconfig": "apiVersion: v1\nclusters: []"})
    assert any(
        p.startswith("argo-workflows:kubeconfig: found") and "not its contents" in p
        for p in err.value.problems
    ), err.value.problems


def test_read_objects_use_the_explicit_provider_too(render):
    result = render("dev", {"createNamespaces": "false", "installCrds": "false"})
    (provider,) = _providers(result)
    reads = [r for r in result.resources if r.read]
    assert len(reads) == 10  # two namespaces, eight CRDs
    assert all(r.provider.startswith(provider.urn + "::") for r in reads)
