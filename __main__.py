"""Argo Workflows in managed-namespace mode. Everything lives in components/."""

from components.program import run

run()
