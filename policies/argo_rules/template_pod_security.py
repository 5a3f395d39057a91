"""Pod Security, judged on the pods the controller will really build from a template.

What reaches a pod (workflow/controller/workflowpod.go, createWorkflowPod, and
operator.go's templateDefaults merge, Argo Workflows v4.1.2):

- each main container (`container`, `script`, every `containerSet` container) is the
  template's own container strategic-merged over `templateDefaults`, then over the
  controller's `mainContainer` defaults (`mainContainerDefaults`), so a template that
  never mentions securityContext runs with the defaults, and `capabilities.drop` of the
  defaults survives a template that only adds a capability;
- init containers and sidecars run as written: no defaults reach them;
- the init and wait containers come from the controller's `executor` config;
- the pod securityContext is the template's own when it sets one (it replaces the
  workflow's, it is not merged), else the spec's merged over `workflowDefaults`;
- a literal podSpecPatch is applied last.

Only what the namespace's Pod Security level refuses is refused, naming the container.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import yaml

from . import pod_security_levels as pss
from .strategic_merge import merge_container, merge_struct
from .template_expressions import has_variable
from .template_problem import (
    Problem,
    as_list,
    as_map,
    join,
    maps,
    name_of,
    opaque,
    problem,
    short,
)
from .template_walk import EXTRA_CONTAINER_KEYS, all_templates, main_containers, pod_spec_patches

# Template types whose pod runs the executor; steps, dag and suspend run no pod, http and
# plugin templates run in the agent pod.
_POD_TYPES = ("container", "containerSet", "script", "resource", "data")
_EXECUTOR = "the init and wait containers of the controller's executor config"


def _why(level: str) -> str:
    return f'the managed namespace enforces Pod Security "{level}" and would refuse the pod'


def pod_security_problems(
    spec: dict,
    level: str,
    main_container: Mapping | None,
    executor: Mapping | None,
    workflow_defaults: Mapping | None,
    *,
    walked: Sequence[tuple[str, dict]] | None = None,
    patches: Sequence[tuple[str, object]] | None = None,
) -> list[Problem]:
    """``walked``: ``all_templates(spec)``, ``patches``: ``pod_spec_patches(spec, walked)``,
    when the caller already has them."""
    judge = _Judge(level)
    defaults_spec = as_map(as_map(workflow_defaults).get("spec"))
    spec_context = merge_struct(defaults_spec.get("securityContext"), spec.get("securityContext"))
    pod_fields = {key: spec.get(key) for key in pss.HOST_NAMESPACES if key in spec}
    judge.pod(pod_fields, "spec", {})
    judge.context(as_map(spec.get("securityContext")), "spec.securityContext", container=False)
    judge.volumes(spec.get("volumes"), "spec.volumes")
    defaults = as_map(spec.get("templateDefaults"))
    judge.volumes(defaults.get("volumes"), "spec.templateDefaults.volumes")
    if walked is None:
        walked = list(all_templates(spec))
    if patches is None:
        patches = list(pod_spec_patches(spec, walked))
    # template path -> the containers by list and the pod securityContext of its pod (what
    # a patch merges into)
    pods: dict[str, tuple[dict[str, frozenset[str]], dict]] = {}
    if isinstance(defaults.get("securityContext"), dict):
        judge.context(
            defaults["securityContext"], "spec.templateDefaults.securityContext", container=False
        )
    executor_judged = False
    for path, template in walked:
        if template.get("volumes") is not None:
            judge.volumes(template["volumes"], f"{path}.volumes")
        own_context = template.get("securityContext")
        if isinstance(own_context, dict):
            judge.context(own_context, f"{path}.securityContext", container=False)
        if _pod_type(template) is None:
            continue
        # templateDefaults merge into the template (a struct merge), which then replaces
        # the workflow's pod securityContext when it sets one.
        template_context = merge_struct(defaults.get("securityContext"), own_context)
        pod_context = template_context or spec_context
        if patches:
            pods[path] = (_container_names(template, defaults), pod_context)
        for where, key, container in main_containers(template, path):
            merged = container
            if key in ("container", "script") and defaults.get(key) is not None:
                # (without templateDefaults, the merge below drops the nulls all the same)
                merged = merge_container(defaults[key], container)
            merged = merge_container(main_container, merged)
            judge.container(merged, where, pod_context)
        for _, where, container in _extra_containers(template, defaults, path):
            judge.container(container, where, pod_context)
        if executor is not None and (not executor_judged or template_context):
            executor_judged = True
            where = f"{path} ({_EXECUTOR})" if template_context else f"executor ({_EXECUTOR})"
            judge.container(dict(executor), where, pod_context)
    # Each literal patch is merged into its pods last, the artifact GC pods' included
    # (artifact_gc.go). A workflow-wide patch merges into every pod: a container is one the
    # pod has only if every pod has it.
    every_pod = {
        key: frozenset.intersection(*(names[key] for names, _ in pods.values()))
        if pods
        else frozenset()
        for key in _PATCHED_LISTS
    }
    for path, patch in patches:
        holder = path.removesuffix(".podSpecPatch")
        if holder == "spec.artifactGC":
            names, pod_context = _GC_POD_CONTAINERS, {}
        else:
            names, pod_context = pods.get(holder, (every_pod, spec_context))
        judge.patch(patch, path, names, pod_context)
    return judge.problems


# The lists of containers a patch merges into by name (strategic merge, key `name`).
_PATCHED_LISTS = ("containers", "initContainers")
# The executor's containers in every pod: common.InitContainerName, common.WaitContainerName.
_EXECUTOR_CONTAINERS = {"containers": frozenset({"wait"}), "initContainers": frozenset({"init"})}
# An artifact GC pod: its main container and the init container artifact plugins add
# (artifact_gc.go, createArtifactGCPod).
_GC_POD_CONTAINERS = {"containers": frozenset({"main"}), "initContainers": frozenset({"init"})}


def _container_names(template: dict, defaults: dict) -> dict[str, frozenset[str]]:
    """The names of the containers a template's pod has, by list: the executor's, the main
    container (`main`, but a containerSet's containers keep their names), the sidecars and
    init containers (the template's, else templateDefaults')."""
    names = {key: set(found) for key, found in _EXECUTOR_CONTAINERS.items()}
    if template.get("containerSet") is None:
        names["containers"].add("main")
    else:
        for _, _, container in main_containers(template, ""):
            names["containers"].add(container.get("name"))
    for key, _, container in _extra_containers(template, defaults, ""):
        names[key if key in names else "containers"].add(container.get("name"))
    return {key: frozenset(n for n in found if isinstance(n, str)) for key, found in names.items()}


def _pod_type(template: dict) -> str | None:
    for key in _POD_TYPES:
        if template.get(key) is not None:
            return key
    return None


def _extra_containers(template: dict, defaults: dict, path: str) -> Iterator[tuple[str, str, dict]]:
    """(list key, path, container) of the template's init containers and sidecars, else
    those of templateDefaults."""
    for key in EXTRA_CONTAINER_KEYS:
        if template.get(key) is not None:
            for i, container in maps(template.get(key)):
                yield key, f"{path}.{key}[{i}]", container
        else:
            for i, container in maps(defaults.get(key)):
                yield key, f"spec.templateDefaults.{key}[{i}]", container


class _Judge:
    def __init__(self, level: str) -> None:
        self.level = level
        self.restricted = level == "restricted"
        self.why = _why(level)
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, path: str, found: str, expected: str) -> None:
        key = (path, found)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem(path, found, expected, self.why))

    # --- pod level -------------------------------------------------------------------------

    def pod(self, pod: dict, path: str, context: dict) -> None:
        for key in pss.HOST_NAMESPACES:
            if pod.get(key) is True:
                self.add(f"{path}.{key}", "true", "false or nothing")

    def volumes(self, volumes: object, path: str) -> None:
        for i, volume in maps(volumes):
            for kind in sorted(k for k in volume if isinstance(k, str) and k != "name"):
                if volume[kind] is None:
                    continue
                if kind == "hostPath" or (
                    self.restricted and kind not in pss.RESTRICTED_VOLUME_TYPES
                ):
                    allowed = (
                        ", ".join(sorted(pss.RESTRICTED_VOLUME_TYPES))
                        if self.restricted
                        else "any type but hostPath"
                    )
                    self.add(f"{path}[{i}].{kind}", f"a {kind} volume", f"one of {allowed}")

    def patch(
        self, patch: object, path: str, names: Mapping[str, frozenset[str]], pod_context: dict
    ) -> None:
        """A literal podSpecPatch is merged into the pod last: held to the same rules. A
        container it names that the pod has (``names``, by list) takes only what the patch
        changes; any other is a new container, judged whole against ``pod_context``."""
        mapping = literal_patch(patch)
        if not mapping:
            return
        self.pod(mapping, path, {})
        self.context(
            as_map(mapping.get("securityContext")), f"{path}.securityContext", container=False
        )
        self.deletions(mapping, path)
        self.volumes(mapping.get("volumes"), f"{path}.volumes")
        for key in _PATCHED_LISTS:
            for i, container in maps(mapping.get(key)):
                where = f"{path}.{key}[{i}]"
                self.deletions(container, where)
                if container.get("name") in names.get(key, ()):
                    self.container(container, where, {}, partial=True)
                else:
                    self.container(container, where, pod_context)

    def deletions(self, holder: dict, path: str) -> None:
        """A null in a patch deletes the field it names (a strategic merge patch): in a
        securityContext, what the controller's restricted defaults set (k8s.io/apimachinery
        strategicpatch mergeMap)."""
        if not self.restricted or "securityContext" not in holder:
            return
        for where in _nulls(holder["securityContext"], f"{path}.securityContext"):
            self.add(where, "null, which deletes the field", "a value, or nothing")

    # --- security contexts -----------------------------------------------------------------

    def context(self, context: dict, path: str, *, container: bool) -> None:
        """Fields refused wherever they are set, pod or container level."""
        if not context:
            return  # nothing set: nothing refused (the fields missing are judged by container)
        if self.restricted:
            if context.get("runAsNonRoot") is False:
                self.add(f"{path}.runAsNonRoot", "false", "true or nothing")
            if context.get("runAsUser") == 0:
                self.add(f"{path}.runAsUser", "0 (root)", "a non-zero user id")
        # (a value unknown during a preview is noted by the schema check, for which the pack
        # refuses the template: not read here as a wrong value)
        seccomp = as_map(context.get("seccompProfile")).get("type")
        if seccomp == "Unconfined" or (
            self.restricted
            and seccomp is not None
            and not opaque(seccomp)
            and seccomp not in pss.RESTRICTED_SECCOMP
        ):
            self.add(
                f"{path}.seccompProfile.type", short(seccomp), " or ".join(pss.RESTRICTED_SECCOMP)
            )
        apparmor = as_map(context.get("appArmorProfile")).get("type")
        if apparmor == "Unconfined":
            self.add(f"{path}.appArmorProfile.type", "'Unconfined'", "RuntimeDefault or Localhost")
        selinux = as_map(context.get("seLinuxOptions"))
        if selinux.get("type") not in (None, *pss.SELINUX_TYPES) and not opaque(selinux["type"]):
            self.add(
                f"{path}.seLinuxOptions.type",
                short(selinux.get("type")),
                "one of container_t, container_init_t, container_kvm_t, container_engine_t",
            )
        for key in ("user", "role"):
            if selinux.get(key):
                self.add(f"{path}.seLinuxOptions.{key}", short(selinux[key]), "nothing")
        if as_map(context.get("windowsOptions")).get("hostProcess") is True:
            self.add(f"{path}.windowsOptions.hostProcess", "true", "false or nothing")
        if not container:
            for i, sysctl in maps(context.get("sysctls")):
                if name_of(sysctl) not in pss.SAFE_SYSCTLS and not opaque(sysctl.get("name")):
                    self.add(
                        f"{path}.sysctls[{i}].name", short(sysctl.get("name")), "a safe sysctl"
                    )

    def container(
        self, container: dict, path: str, pod_context: dict, *, partial: bool = False
    ) -> None:
        """One container as it will run. ``partial``: a patch naming only what it changes."""
        for i, port in maps(container.get("ports")):
            if port.get("hostPort"):
                self.add(f"{path}.ports[{i}].hostPort", short(port["hostPort"]), "no host port")
        if opaque(container.get("securityContext")):
            return  # unknown during a preview: noted by the schema check (the pack refuses it)
        context = as_map(container.get("securityContext"))
        where = f"{path}.securityContext"
        self.context(context, where, container=True)
        if context.get("privileged") is True:
            self.add(f"{where}.privileged", "true", "false or nothing")
        proc_mount = context.get("procMount")
        if container.get("procMount") not in (None, "Default") or (
            proc_mount not in (None, "Default") and not opaque(proc_mount)
        ):
            self.add(f"{where}.procMount", short(proc_mount), "Default")
        capabilities = as_map(context.get("capabilities"))
        allowed = pss.RESTRICTED_CAPABILITIES if self.restricted else pss.BASELINE_CAPABILITIES
        add = capabilities.get("add")
        known = {str(c) for c in add if not opaque(c)} if isinstance(add, list) else set()
        added = sorted(known - allowed)
        if added:
            self.add(
                f"{where}.capabilities.add", ", ".join(added), "only " + ", ".join(sorted(allowed))
            )
        if not self.restricted:
            return
        # A value unknown during a preview is not read as unset: the schema check notes it,
        # and the pack refuses the template for it.
        escalation = context.get("allowPrivilegeEscalation")
        unset = escalation is not False and not opaque(escalation)
        if escalation is True or (not partial and unset):
            self.add(
                f"{where}.allowPrivilegeEscalation",
                "true" if escalation is True else "nothing",
                "false",
            )
        drop = capabilities.get("drop")
        if (
            not partial
            and not opaque(context.get("capabilities"))
            and not opaque(drop)
            and not any(opaque(item) for item in as_list(drop))
            and "ALL" not in as_list(drop)
        ):
            self.add(
                f"{where}.capabilities.drop",
                "nothing" if drop is None else repr(drop),
                "a list including ALL",
            )
        if partial:
            return
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if (
            non_root is not True
            and context.get("runAsNonRoot") is not False
            and not opaque(non_root)
        ):
            self.add(f"{where}.runAsNonRoot", "nothing here or in the pod securityContext", "true")
        own, pod = context.get("seccompProfile"), pod_context.get("seccompProfile")
        own_type, pod_type = as_map(own).get("type"), as_map(pod).get("type")
        unknown = (
            opaque(own) or opaque(own_type) or (not own_type and (opaque(pod) or opaque(pod_type)))
        )
        if (own_type or pod_type) is None and not unknown:
            self.add(
                f"{where}.seccompProfile.type",
                "nothing here or in the pod securityContext",
                " or ".join(pss.RESTRICTED_SECCOMP),
            )


def _nulls(value: object, path: str) -> Iterator[str]:
    """The paths of the nulls in ``value``, itself included."""
    if value is None:
        yield path
    for key, item in as_map(value).items():
        yield from _nulls(item, join(path, key))


def literal_patch(patch: object) -> dict:
    """The podSpecPatch as a mapping when it is literal YAML/JSON, else empty."""
    if not isinstance(patch, str) or not patch or has_variable(patch):
        return {}
    try:
        loaded = yaml.safe_load(patch)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
