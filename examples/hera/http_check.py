"""http-check written in Python with Hera: the same template as the starter catalog's
workflowtemplates/steps/http-check.yaml.

Copied into the catalog folder, the file is imported on its own and every module-level
WorkflowTemplate goes through the same validation as YAML and is deployed as the same manifest.
"""

from hera.workflows import Container, Env, Parameter, Resources, RetryStrategy, WorkflowTemplate
from hera.workflows import models as m

DEFAULT_URL = "https://example.com"

with WorkflowTemplate(
    name="http-check",
    annotations={
        "workflows.argoproj.io/description": (
            "Probe a URL with an HTTP request; retry up to 3 times with exponential backoff, "
            "each attempt limited to 60 seconds and the workflow to 10 minutes."
        ),
    },
    entrypoint="check",
    active_deadline_seconds=600,
    arguments=[Parameter(name="url", value=DEFAULT_URL, description="Address to probe.")],
) as http_check:
    Container(
        name="check",
        inputs=[Parameter(name="url", default=DEFAULT_URL, description="Address to probe.")],
        image="busybox:1.36.1",
        command=["sh", "-c"],
        args=['wget -q --spider -T 10 "$URL"'],
        env=[Env(name="URL", value="{{inputs.parameters.url}}")],
        # Retry on any failure: 10s, 20s, 40s apart, giving up after 2 minutes of backoff.
        retry_strategy=RetryStrategy(
            limit=3,
            retry_policy="Always",
            backoff=m.Backoff(duration="10s", factor=2, max_duration="2m"),
        ),
        # Deadline of one attempt; a hanging request fails and is retried.
        active_deadline_seconds=60,
        resources=Resources(
            cpu_request="10m", cpu_limit="100m", memory_request="16Mi", memory_limit="32Mi"
        ),
    )
