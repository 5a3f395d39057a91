"""Opaque deployers: a Helm v3 Release installs objects the pack never sees.

`kubernetes:helm.sh/v3:Release` is one resource; the provider runs Helm, which creates
the chart's objects itself (provider/pkg/provider/helm_release.go), so none of them goes
through this pack. Only a chart on the pack config's allow-list may be released. Chart v4
(`kubernetes:helm.sh/v4:Chart`) and Chart v3 register every object as a child resource,
which the pack checks one by one.
"""

from __future__ import annotations

from typing import Any

from k8s_objects import UNKNOWN, Unjudged, get
from pack_settings import Settings


def release_problems(props: Any, settings: Settings) -> list[str]:
    chart = get(props, "chart")
    repo = get(props, "repositoryOpts", "repo")
    version = get(props, "version")
    if UNKNOWN in (chart, repo, version):
        return [Unjudged("chart, repositoryOpts.repo or version is unknown during preview")]
    problems = []
    if get(props, "postrender") not in (None, ""):
        problems.append(
            "postrender runs a local program over the chart's manifests, so what gets "
            "installed is not the reviewed chart; remove it"
        )
    repo = repo or ""
    version = version or ""
    for allowed_repo, allowed_chart, allowed_version in settings.allowed_helm_charts:
        if (allowed_repo, allowed_chart) == (repo, chart) and allowed_version in ("", version):
            return problems
    what = (
        f"chart {chart!r}"
        + (f" from {repo}" if repo else "")
        + (f" version {version}" if version else "")
    )
    return [
        *problems,
        f"a Helm Release installs objects this pack never sees, and {what} is not on the "
        "allow-list; add it to allowedHelmCharts after review, or deploy the chart with "
        "kubernetes:helm.sh/v4:Chart so each object is checked",
    ]
