"""The install stays the install: one controller, with its flags, and no widening env.

The controller and the Argo Server run namespaced (`--namespaced`,
`--managed-namespace`; without --namespaced the managed namespace is ignored) and read
the controller ConfigMap (`--configmap`); patches keep the values the controller
Deployment states. The controller takes only those flags, tuning flags and an
`--executor-image` that is argoexec of its own registry and release. A second
controller anywhere (any workload running its image or binary) would run workflows
under its own config, so there is one.
Env that re-opens user overrides (WORKFLOW_USER_OVERRIDE_ALLOWLIST, workflow/util/
merge.go), enables executor plugins or sets a flag the command line may not set or must
set as the install does (viper binds every flag to ARGO_<FLAG>, the kubectl client flags
of the Argo Server's CLI included) is refused on both, and so is envFrom, which could
carry any of them.
"""

from __future__ import annotations

from typing import Any

import upstream_facts as facts
from install_facts import InstallFacts, Workload
from k8s_objects import UNKNOWN, Unjudged, get
from pack_settings import Settings
from resource_objects import FoundObject
from workloads import (
    argv,
    containers,
    env_names,
    flag_is_true,
    flag_names,
    image_name,
    image_parts,
    object_key,
    parse_flags,
)


def _flag_problems(
    workload: Workload, words: list[Any], settings: Settings, *, configmap_required: bool
) -> list[str]:
    flags = parse_flags(words)
    where = f"container {workload.container.name!r}"
    problems: list[str] = []
    if any(word is UNKNOWN for word in words):
        problems.append(Unjudged(f"{where}: part of its command line is unknown during preview"))
    namespaced = flags.get(facts.FLAG_NAMESPACED)
    if not flag_is_true(namespaced):
        problems.append(
            f"{where} does not run with {facts.FLAG_NAMESPACED} (found {namespaced!r}); "
            "without it Argo watches every namespace, keep the flag"
        )
    managed = flags.get(facts.FLAG_MANAGED_NAMESPACE)
    namespace = get(workload.found.manifest, "metadata", "namespace")
    if managed is UNKNOWN:
        pass
    elif not isinstance(managed, str) or not managed:
        problems.append(
            f"{where} has no {facts.FLAG_MANAGED_NAMESPACE}; keep "
            f"{facts.FLAG_MANAGED_NAMESPACE} {settings.managed_namespace}"
        )
    elif managed == namespace:
        problems.append(
            f"{where} manages its own namespace {managed}; workflows must never run next to "
            "the controller, manage a separate namespace"
        )
    elif managed != settings.managed_namespace:
        problems.append(
            f"{where} manages namespace {managed!r}, not the install's managed namespace "
            f"{settings.managed_namespace!r}; keep {facts.FLAG_MANAGED_NAMESPACE} "
            f"{settings.managed_namespace}"
        )
    configmap = flags.get(facts.FLAG_CONFIGMAP)
    if configmap_required and configmap is None:
        problems.append(f"{where} has no {facts.FLAG_CONFIGMAP}; keep it")
    elif isinstance(configmap, str) and configmap != settings.config_map_name:
        problems.append(
            f"{where} reads ConfigMap {configmap!r}, not the controller's "
            f"{settings.config_map_name!r}; keep one config"
        )
    if configmap_required:
        problems += _controller_only_flag_problems(workload, words, flags, where)
    else:
        allowed = facts.SERVER_FLAGS | {
            facts.FLAG_CONFIGMAP,
            facts.FLAG_NAMESPACED,
            facts.FLAG_MANAGED_NAMESPACE,
        }
        extra = sorted({name for name in flag_names(words) if name not in allowed})
        if extra:
            problems.append(
                f"{where} runs with {', '.join(extra)}; the Argo Server takes only the "
                "install's flags and how it serves and logs "
                f"({', '.join(sorted(facts.SERVER_FLAGS))}), remove the others"
            )
    return problems


def _controller_only_flag_problems(
    workload: Workload, words: list[Any], flags: dict[str, Any], where: str
) -> list[str]:
    """The controller's flags are the install's own plus tuning, and its executor is the
    argoexec image of the controller's registry and release."""
    allowed = facts.CONTROLLER_TUNING_FLAGS | {
        facts.FLAG_CONFIGMAP,
        facts.FLAG_EXECUTOR_IMAGE,
        facts.FLAG_NAMESPACED,
        facts.FLAG_MANAGED_NAMESPACE,
    }
    problems = []
    extra = sorted({name for name in flag_names(words) if name not in allowed})
    if extra:
        problems.append(
            f"{where} runs with {', '.join(extra)}; the controller takes only the install's "
            f"flags and tuning ({', '.join(sorted(facts.CONTROLLER_TUNING_FLAGS))}), remove "
            "the others"
        )
    executor = flags.get(facts.FLAG_EXECUTOR_IMAGE)
    if executor is None or executor is UNKNOWN:
        return problems
    own = get(workload.container.spec, "image")
    if own is UNKNOWN:
        return problems
    path, tag = image_parts(own)
    executor_path, executor_tag = image_parts(executor)
    versioned = not tag.startswith("sha256:") and not executor_tag.startswith("sha256:")
    if (
        image_name(executor) != facts.EXECUTOR_IMAGE
        or executor_path != path
        or (versioned and executor_tag not in (tag, tag + facts.EXECUTOR_TAG_SUFFIX))
    ):
        expected = f"{path}/{facts.EXECUTOR_IMAGE}:{tag}{facts.EXECUTOR_TAG_SUFFIX}"
        problems.append(
            f"{where} runs {facts.FLAG_EXECUTOR_IMAGE} {executor!r} in every workflow pod; "
            f"it must be the release's executor next to the controller image {own!r} "
            f"({expected!r})"
        )
    return problems


def _env_problems(container: Any, where: str) -> list[str]:
    problems = []
    for name in env_names(container):
        if isinstance(name, str) and name.upper() in facts.WIDENING_ENV:
            problems.append(
                f"{where} sets env {name}, which widens what users may run or sets a flag "
                "out of the command line's sight (which cluster it talks to, as whom, with "
                "what config); remove it"
            )
        elif name is UNKNOWN:
            problems.append(Unjudged(f"{where}: an env name is unknown during preview"))
    if get(container, "envFrom") not in (None, []):
        problems.append(
            f"{where} sets envFrom, which can carry env that widens what users may run or "
            "sets a flag (WORKFLOW_USER_OVERRIDE_ALLOWLIST, ARGO_<FLAG>); set env entries "
            "one by one"
        )
    return problems


def _deployment_problems(
    workload: Workload, settings: Settings, *, configmap_required: bool
) -> list[str]:
    where = f"container {workload.container.name!r}"
    return _flag_problems(
        workload, argv(workload.container.spec), settings, configmap_required=configmap_required
    ) + _env_problems(workload.container.spec, where)


def _patch_problems(
    patch: FoundObject, target: Workload, settings: Settings, *, configmap_required: bool
) -> list[str]:
    """A server-side-apply patch of the controller or server Deployment."""
    problems: list[str] = []
    for container in containers(patch):
        name = get(container.spec, "name")
        where = f"{container.index} ({name!r})"
        problems += _env_problems(container.spec, where)
        if name != target.container.name:
            continue
        image = get(container.spec, "image")
        if image is not None and image_name(image) != image_name(
            get(target.container.spec, "image")
        ):
            problems.append(
                f"{where} replaces the image {get(target.container.spec, 'image')!r} with "
                f"{image!r}; the install's container runs with the install's account and "
                "must stay what it is"
            )
        if "args" in container.spec or "command" in container.spec:
            merged = dict(target.container.spec)
            merged.update(
                {k: container.spec[k] for k in ("args", "command") if k in container.spec}
            )
            patched = Workload(target.found, type(target.container)(container.index, merged))
            problems += _flag_problems(
                patched, argv(merged), settings, configmap_required=configmap_required
            )
    return problems


def install_problems(
    objects: list[FoundObject], install: InstallFacts, settings: Settings
) -> list[tuple[str, str | None]]:
    """(message, urn) for every change to the controller and server installs."""
    problems: list[tuple[str, str | None]] = []
    controller, server = install.controller, install.server
    for workload, required in ((controller, True), (server, False)):
        if workload is None:
            continue
        for problem in _deployment_problems(workload, settings, configmap_required=required):
            problems.append((f"{workload.found.label}: {problem}", workload.found.urn))
        key = object_key(workload.found)
        for found in objects:
            if (
                found.kind.patch
                and (found.kind.group, found.kind.kind) == (facts.APPS_GROUP, facts.DEPLOYMENT)
                and object_key(found)[1] == key[1]
                and object_key(found)[0] in (key[0], None)
            ):
                for problem in _patch_problems(
                    found, workload, settings, configmap_required=required
                ):
                    problems.append((f"{found.label}: {problem}", found.urn))
    if controller is not None:
        for workload in install.controllers:
            if workload is controller:
                continue
            if (
                workload.found.kind.patch
                and object_key(workload.found)[1] == object_key(controller.found)[1]
                and workload.container.name == controller.container.name
            ):
                continue  # a patch of the controller's own container, judged above
            problems.append(
                (
                    f"{workload.found.label}: {workload.container.index} runs the workflow "
                    f"controller, but the install already runs it ({controller.found.label}); "
                    "a second controller runs workflows under its own config, remove it",
                    workload.found.urn,
                )
            )
    else:
        for workload in install.controllers:
            problems.append(
                (
                    f"{workload.found.label}: {workload.container.index} runs the workflow "
                    "controller outside the install's Deployment; remove it",
                    workload.found.urn,
                )
            )
    return problems
