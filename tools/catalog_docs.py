"""Write docs/workflowtemplates.md: one section per catalog template.

    python -m tools.catalog_docs            # rewrite the file
    python -m tools.catalog_docs --check    # exit 1 if the committed file is out of date

The catalog is loaded and validated exactly as `pulumi preview` does, with the defaults of
the ``config:`` block of Pulumi.yaml (templatesDir, managedNamespace, ...).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from components.catalog import DESCRIPTION_ANNOTATION, CatalogError, CatalogTemplate, load_catalog
from components.settings import PROJECT_ROOT, declared_keys

DEFAULT_OUTPUT = PROJECT_ROOT / "docs" / "workflowtemplates.md"
COMMAND = "python -m tools.catalog_docs"

# Every rule a catalog template is held to (policies/argo_rules/template_rules.py, shared
# with the policy pack). The README's "What the validator checks" shows the same table.
RULES = (
    (
        "Files",
        "YAML parses (the message gives line and column); no key appears twice in a mapping; a "
        "file holds at least one document; a Python file imports without error (with the line) "
        "and defines at least one template. Hera is imported only when the catalog holds a "
        "`.py` file.",
    ),
    (
        "Kind",
        "Every document is a mapping with `apiVersion: argoproj.io/v1alpha1` and `kind: "
        "WorkflowTemplate`. `Workflow`, `CronWorkflow` and `ClusterWorkflowTemplate` are "
        "refused with an explanation of the template-only model. Top-level fields other than "
        "`apiVersion`, `kind`, `metadata` and `spec` are refused.",
    ),
    (
        "Metadata",
        "`metadata.name` is present, a DNS-1123 name of at most 63 characters, and unique "
        "across the catalog (the message names the other file); no `generateName`; the "
        "namespace, if set, is the managed namespace; no fields the API server sets "
        "(`resourceVersion`, `uid`, ...); the description annotation is present (config "
        "`requireTemplateDescription`, on by default).",
    ),
    (
        "Schema",
        "`metadata` and `spec` follow the schema of the Argo version the stack installs "
        "(v4.1.2, fields added since v4.0.5 included), strictly: an unknown or misspelled "
        'field is an error with a "did you mean" (also a field spelt in other letter case '
        'or in `snake_case`); required fields are present; scalar types are exact (`"5"` is '
        "not an integer, `yes` is not a string: quote it); IntOrString fields take both; "
        'quantities may be numbers; Argo\'s "any string" values (parameter `value`, '
        "`default`, `enum`, ...) take strings, numbers and booleans and are stored as "
        "strings; enums hold (`imagePullPolicy`, `retryPolicy`, `podGC.strategy`, "
        "`resource.action`, `mergeStrategy`, ...).",
    ),
    (
        "Templates",
        "Template names are present, unique, alphanumeric with `-` (at most 128 characters); "
        "each template sets exactly one type (`container`, `script`, `dag`, `steps`, ...); "
        "`entrypoint` and `onExit` name a template of the spec; `parallelism` only on steps "
        "and dag templates; `activeDeadlineSeconds`, `timeout` and `pendingTimeout` only on leaf "
        "templates, a "
        "deadline is not negative; a container or script has an image unless "
        "`templateDefaults` gives one; init containers are named; sidecars and init "
        "containers are not named `main`, `wait` or `init`, and no two share a name; volume "
        "names are unique; a container mounts no path twice; `volumeMounts` name a volume of the "
        "spec, its `volumeClaimTemplates` or the "
        "template.",
    ),
    (
        "Steps and DAGs",
        "Every step and task sets exactly one of `template`, `templateRef`, `inline`, and "
        "its `template` names a template of the spec; step and task names are present, "
        "unique and alphanumeric with `-`; at most one of `withItems`, `withParam`, "
        "`withSequence` (and not both `count` and `end`); parameter arguments have a value and "
        "artifact arguments a source (`from`, `fromExpression` or a location), and a call "
        "supplies every input of the local template it runs that has no value or default; a "
        "DAG has "
        "tasks, no dependency cycle, `depends` expressions over tasks of the DAG with valid "
        "results (`AnySucceeded`/`AllFailed` only on looped tasks), not `depends` with "
        "`dependencies` nor with `continueOn`, no task name starting with a digit when "
        "tasks depend on each other, `target` names tasks; `when` is a complete condition "
        "(balanced quotes and parentheses, no dangling operator); hooks other than `exit` "
        "have an `expression`.",
    ),
    (
        "Variables",
        "`{{inputs.parameters.x}}` and `{{inputs.artifacts.x}}` name inputs of the template; "
        "`{{steps.s...}}` a step that runs before, `{{tasks.t...}}` a task the current task "
        "depends on, and their `outputs.parameters.p` one the called template declares; "
        "`outputs.result` and `exitCode` not of a resource, suspend, steps or dag template "
        "(only a template that runs a main container, a data, http or plugin template has "
        "them); "
        "`{{item.k}}` a key of the step's `withItems` (any with `withParam`); "
        "`{{workflow.parameters.p}}` a parameter of `spec.arguments`, an input of one of its "
        "templates (a submitted workflow may choose the entrypoint, whose inputs its "
        "arguments fill), or a parameter of a "
        "catalog template that calls this one through `templateRef` from a step, a DAG task or "
        "a lifecycle hook; `{{workflow.x}}` a variable Argo provides. Expressions (`{{=...}}`) "
        "are left to run time.",
    ),
    (
        "Outputs and metrics",
        "An output parameter has exactly one source: a `value` or one `valueFrom` (`path` "
        "for container, script and containerSet templates, `jqFilter`/`jsonPath` for "
        "resource templates, `parameter`/`expression` for steps and dag templates); "
        "`globalName` is a valid name; output artifacts of steps and dag templates have no "
        "`path`; a containerSet with inputs or outputs has a container named `main`, and its "
        "`dependencies` name containers of the set without a cycle; metric names are "
        "Prometheus names, with a `help` and exactly one of gauge, histogram, counter.",
    ),
    (
        "Values",
        "`timeout` is a Go duration (not a bare number); `suspend.duration` and retry "
        "`backoff` durations are seconds or a Go duration; `podGC.deleteDelayDuration` is a "
        "Go duration; `retryStrategy.limit` is a number or a `{{...}}` expression; a "
        "resource template that creates, applies, replaces or patches has a `manifest` (valid "
        "YAML) or `manifestFrom` naming an input artifact, not both; a parameter's `value` "
        "and `default` are among its `enum`, which is not empty.",
    ),
    (
        "References",
        "Every `templateRef` (in steps, tasks and hooks) names a catalog template and a "
        "template inside it; `clusterScope: true` is refused (no ClusterWorkflowTemplates in "
        "managed-namespace mode). A catalog template may not set `spec.workflowTemplateRef` "
        "itself.",
    ),
    (
        "Service accounts",
        "`serviceAccountName` and `executor.serviceAccountName`, on the spec, in "
        "`templateDefaults`, on each template and on inline templates, and a literal "
        "`podSpecPatch` that sets one (key in any letter case, as Go decodes the patch), are "
        "in `allowedServiceAccounts` (default `[workflow]`). Artifact garbage collection: "
        "`spec.artifactGC.serviceAccountName`, each output artifact's "
        "`artifactGC.serviceAccountName` and an account in `spec.artifactGC.podSpecPatch` "
        "name only the account the install runs artifact GC as (`artifactGcServiceAccount`, "
        "when `artifactRepository` and `artifactGcStrategy` are set), or nothing: the GC pods "
        "mount the artifact repository's credentials.",
    ),
    (
        "Pod spec patches and plugins",
        "A `podSpecPatch` (also `spec.artifactGC.podSpecPatch`, which the controller applies "
        "to the artifact GC pods) is literal: one containing `{{` is refused, because Argo "
        "fills it "
        "in from values the submitter chooses; a literal one is a YAML or JSON mapping that "
        "follows the Kubernetes PodSpec schema as strictly as the rest of the manifest: keys "
        "spelt exactly, values of the field's type. The controller decodes a patch into a "
        "PodSpec ignoring letter case, and nothing prunes it on the way, so `HostNetwork: "
        "true` would set `hostNetwork` past every other check. `plugin` "
        "templates and `executorPlugins` are "
        "refused while the install does not enable executor plugins.",
    ),
    (
        "Pod labels and annotations",
        "The labels and annotations a template gives its pods (`spec.podMetadata`, "
        "`templateDefaults.metadata`, each template's `metadata`, and the `podMetadata` of "
        "artifact GC pods) use no key under `workflows.argoproj.io/` but "
        "`workflows.argoproj.io/progress`, the initial progress Argo documents. The "
        "controller marks each pod with keys of that prefix (which workflow and node it is, "
        "whether it completed) and then copies the template's over them, so a pod could "
        "pass itself off as another node's. Likewise `spec.workflowMetadata`, which the "
        "controller writes over the Workflow's own labels (its creator, whether it "
        "completed, its controller instance): no label or `labelsFrom` key under that "
        "prefix, and of annotations only `workflows.argoproj.io/title` and "
        "`workflows.argoproj.io/description`.",
    ),
    (
        "Pod Security",
        "Judged on the pod the controller builds: each main container (`container`, "
        "`script`, every `containerSet` container) is the template's own merged over "
        "`templateDefaults` and the controller's `mainContainer` defaults (a restricted "
        "securityContext, so templates need not repeat one; an added capability keeps the "
        "default `drop: [ALL]`, a `drop` list replaces it); sidecars and init containers run "
        "as written; the init and wait containers come from the controller's `executor` "
        "config; a template's pod `securityContext` replaces the workflow's; a literal "
        "`podSpecPatch` counts, and so does `spec.artifactGC.podSpecPatch` for the artifact GC "
        "pods: a container it names that the pod has takes only what the patch changes, any "
        "other is a new container and judged whole (for a workflow-wide patch, a container "
        "every pod has), and under restricted a null in a patch's `securityContext` is "
        "refused, since a strategic merge patch deletes the field. Refused is only what the "
        "managed namespace's level refuses "
        "(`managedNamespacePodSecurity`): baseline refuses host network, PID and IPC, "
        "privileged containers, capabilities beyond the baseline set, hostPath volumes, host "
        "ports, seccomp `Unconfined`, unsafe sysctls, SELinux and AppArmor overrides; "
        "restricted also requires `allowPrivilegeEscalation: false`, `capabilities.drop` "
        "with `ALL` (adding only `NET_BIND_SERVICE`), `runAsNonRoot` not false and not user "
        "0, seccomp `RuntimeDefault` or `Localhost`, and only configMap, csi, downwardAPI, "
        "emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes. Config "
        "`requireRestrictedPods` (default true) switches the check off.",
    ),
)


def render_docs(templates: Sequence[CatalogTemplate], catalog_label: str) -> str:
    """Markdown for the catalog, templates sorted by name."""
    namespaces = sorted({t.manifest["metadata"]["namespace"] for t in templates})
    lines = [
        "# WorkflowTemplate catalog",
        "",
        f"Generated by `{COMMAND}` from `{catalog_label}/`; do not edit by hand.",
        "",
        "Submit a template by name, for example "
        f"`argo submit -n {'|'.join(namespaces) or '<namespace>'} "
        "--from workflowtemplate/<name> -p <parameter>=<value>`, "
        "or call one of its templates from another catalog template with `templateRef`.",
        "",
    ]
    for template in sorted(templates, key=lambda t: t.name):
        lines += _section(template, catalog_label)
    lines += [
        "## What the validator checks",
        "",
        "Every template of the catalog, and every WorkflowTemplate the policy pack sees, is "
        "held to these rules; each problem names the file, the field path, what was found "
        "and what is expected.",
        "",
        rules_table(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def rules_table() -> str:
    """The rules as a Markdown table (also in the README)."""
    rows = ["| Area | Checks |", "| --- | --- |"]
    rows += [f"| {area} | {_cell(text)} |" for area, text in RULES]
    return "\n".join(rows)


def _section(template: CatalogTemplate, catalog_label: str) -> list[str]:
    metadata, spec = template.manifest["metadata"], template.manifest["spec"]
    description = (metadata.get("annotations") or {}).get(DESCRIPTION_ANNOTATION, "")
    source = template.source.split("#", 1)[0]
    entrypoint = spec.get("entrypoint")
    lines = [
        f"## {template.name}",
        "",
        " ".join(description.split()) or "_No description._",
        "",
        f"- Source: `{catalog_label}/{source}`",
        f"- Entrypoint: `{entrypoint}`" if entrypoint else "- Entrypoint: none (templateRef only)",
        "",
    ]
    parameters = (spec.get("arguments") or {}).get("parameters") or []
    if parameters:
        lines += ["Parameters:", "", *_parameter_table(parameters), ""]
    else:
        lines += ["Parameters: none.", ""]
    rows = [f"| `{t['name']}` | {_inputs(t)} |" for t in spec.get("templates") or []]
    return [
        *lines,
        "Templates, callable with `templateRef`, and their input parameters:",
        "",
        "| Template | Inputs |",
        "| --- | --- |",
        *rows,
        "",
    ]


def _parameter_table(parameters: Sequence[dict[str, Any]]) -> list[str]:
    rows = ["| Name | Default | Enum | Description |", "| --- | --- | --- | --- |"]
    for p in parameters:
        default = p.get("value", p.get("default"))
        enum = ", ".join(f"`{_cell(v)}`" for v in p.get("enum") or [])
        rows.append(
            f"| `{p['name']}` | {_code(default)} | {enum or '—'} | "
            f"{_cell(p.get('description') or '')} |"
        )
    return rows


def _inputs(template: dict[str, Any]) -> str:
    parameters = (template.get("inputs") or {}).get("parameters") or []
    parts = []
    for p in parameters:
        text = f"`{_cell(p['name'])}`"
        if p.get("default") is not None:
            text += f" = {_code(p['default'])}"
        if p.get("enum"):
            text += f" (one of {', '.join(_cell(v) for v in p['enum'])})"
        parts.append(text)
    return "; ".join(parts) or "none"


def _code(value: Any) -> str:
    return "—" if value is None else f"`{_cell(str(value))}`"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def main(argv: Sequence[str] | None = None) -> int:
    keys = declared_keys()
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path(keys["templatesDir"].default))
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--managed-namespace", default=keys["managedNamespace"].default)
    parser.add_argument(
        "--check", action="store_true", help="fail if the output file is out of date"
    )
    args = parser.parse_args(argv)
    root = args.catalog if args.catalog.is_absolute() else PROJECT_ROOT / args.catalog
    try:
        templates = load_catalog(
            root,
            managed_namespace=args.managed_namespace,
            require_description=keys["requireTemplateDescription"].default,
            allowed_service_accounts=keys["allowedServiceAccounts"].default,
            pod_security=keys["managedNamespacePodSecurity"].default,
        )
    except CatalogError as err:
        print(err, file=sys.stderr)
        return 1
    text = render_docs(templates, root.name)
    current = args.output.read_text() if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is out of date; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
