"""Effective RBAC of a set of Kubernetes objects, as the API server would authorize it.

Pure: plain dicts in, plain data out. Roles, ClusterRoles (with `aggregationRule` over the
ClusterRoles of the set and the built-in admin / edit / view), RoleBindings (to Roles and
ClusterRoles, narrowed to their namespace) and ClusterRoleBindings become grants held by
identities: service accounts (also named as user `system:serviceaccount:<ns>:<name>`),
users and groups (`system:serviceaccounts[:<ns>]`, `system:authenticated` include
accounts without naming them). `allows` answers one request
(namespace, apiGroup, resource, resourceName, verb) with the matching rules of
kubernetes `pkg/apis/rbac/v1/evaluation_helpers.go`.

Values unknown at preview (k8s_objects.UNKNOWN) count as `*` where they stand for verbs,
resources or groups, and as any namespace where they stand for one.

`acts_as` follows what an identity can turn itself into: any account of a namespace where
it may run or enter pods, one named account whose token it may mint, read or impersonate.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import effective_rbac_facts as facts
from k8s_objects import UNKNOWN, Unjudged, label_requirement_holds

# The namespace of a namespaced object that sets none: the provider's default namespace,
# which the stack does not say. It counts as any namespace.
ANY_NAMESPACE = "<the provider's default namespace>"
# Request name meaning "some object, whichever": a rule narrowed by resourceNames still
# allows it (except create, which resourceNames never narrow).
SOME_NAME = "<some object>"


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _strings(value: Any, *, unknown_is_all: bool = True) -> tuple[str, ...]:
    if value == UNKNOWN:
        return (facts.WILDCARD,) if unknown_is_all else ()
    if not isinstance(value, list):
        return ()
    found = []
    for item in value:
        if item == UNKNOWN and unknown_is_all:
            found.append(facts.WILDCARD)
        elif isinstance(item, str):
            found.append(item)
    return tuple(found)


class Identity(NamedTuple):
    """Who a request is made as: a service account, a user or a group (a tuple: hashed
    often while following who can act as whom)."""

    kind: str  # ServiceAccount, User, Group
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        if self.kind == "ServiceAccount":
            return f"service account {self.namespace}/{self.name}"
        return f"{self.kind.lower()} {self.name}"


def service_account(namespace: str, name: str) -> Identity:
    return Identity("ServiceAccount", name, namespace)


@dataclass(frozen=True)
class Rule:
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()

    @staticmethod
    def of(rule: Any) -> Rule:
        return Rule(
            _strings(_get(rule, "apiGroups")),
            _strings(_get(rule, "resources")),
            _strings(_get(rule, "verbs")),
            _strings(_get(rule, "resourceNames"), unknown_is_all=False),
        )

    def allows(self, group: str, resource: str, verb: str, name: str | None) -> bool:
        if facts.WILDCARD not in self.verbs and verb not in self.verbs:
            return False
        if facts.WILDCARD not in self.api_groups and group not in self.api_groups:
            return False
        if not _resource_matches(self.resources, resource):
            return False
        if not self.resource_names:
            return True
        # A rule narrowed by resourceNames never matches a request without a name, and a
        # create of a top-level resource has none.
        if name is None or (verb == "create" and "/" not in resource):
            return False
        return name == SOME_NAME or name in self.resource_names


def _resource_matches(rule_resources: tuple[str, ...], resource: str) -> bool:
    subresource = resource.partition("/")[2]
    for ruled in rule_resources:
        if ruled in (facts.WILDCARD, resource):
            return True
        if subresource and ruled == f"*/{subresource}":
            return True
    return False


@dataclass(frozen=True)
class Grant:
    """A rule an identity holds in a namespace (None: cluster-wide, every namespace too)."""

    holder: Identity
    namespace: str | None
    rule: Rule
    source: str  # "ClusterRole x through RoleBinding ns/y"
    urn: str | None

    def covers(self, namespace: str | None) -> bool:
        """Whether the grant applies in `namespace` (None: a cluster-scoped resource)."""
        if self.namespace is None:
            return True
        if namespace is None:
            return False
        return self.namespace in (namespace, ANY_NAMESPACE, UNKNOWN)


@dataclass(frozen=True)
class StackObject:
    """One Kubernetes object of the stack, as plain data."""

    group: str
    kind: str
    manifest: dict
    label: str
    urn: str | None = None

    @property
    def name(self) -> str:
        name = _get(self.manifest, "metadata", "name")
        return name if isinstance(name, str) else UNKNOWN

    @property
    def namespace(self) -> str:
        namespace = _get(self.manifest, "metadata", "namespace")
        if namespace == UNKNOWN:
            return UNKNOWN
        return namespace if isinstance(namespace, str) and namespace else ANY_NAMESPACE


@dataclass
class EffectiveRbac:
    """Every grant of a set of objects, by holder, and what the set cannot tell."""

    grants: dict[Identity, list[Grant]] = field(default_factory=dict)
    # Service accounts the set names (binding subjects, ServiceAccount objects).
    service_accounts: set[Identity] = field(default_factory=set)
    # Bindings whose role the set does not define: (message, urn).
    unjudged: list[tuple[str, str | None]] = field(default_factory=list)
    # Token Secrets of the set: (namespace, secret name) -> account name.
    token_secrets: dict[tuple[str, str], str] = field(default_factory=dict)
    _step_cache: dict[Identity, dict[Identity, Grant]] = field(default_factory=dict, repr=False)
    _by_namespace: dict[str, list[Identity]] | None = field(default=None, repr=False)

    def subjects(self) -> list[Identity]:
        """Every identity that holds a grant, in a stable order."""
        return sorted(self.grants, key=lambda i: (repr(i.kind), repr(i.namespace), repr(i.name)))

    def memberships(self, identity: Identity) -> list[Identity]:
        """The identity and every user / group it also authenticates as."""
        found = [identity]
        if identity.kind == "ServiceAccount":
            found += [
                Identity(
                    "User",
                    f"{facts.SERVICE_ACCOUNT_USER_PREFIX}{identity.namespace}:{identity.name}",
                ),
                Identity("Group", facts.ALL_SERVICE_ACCOUNTS_GROUP),
                Identity("Group", f"{facts.ALL_SERVICE_ACCOUNTS_GROUP}:{identity.namespace}"),
            ]
        if identity.kind in ("ServiceAccount", "User"):
            found.append(Identity("Group", facts.ALL_AUTHENTICATED_GROUP))
        return found

    def grants_of(self, identity: Identity) -> list[Grant]:
        """Every grant the identity holds, also through its users and groups."""
        return [g for member in self.memberships(identity) for g in self.grants.get(member, [])]

    def allows(
        self,
        identity: Identity,
        namespace: str | None,
        group: str,
        resource: str,
        verb: str,
        name: str | None = None,
    ) -> Grant | None:
        """The first grant allowing the request, or None. namespace None: cluster-scoped."""
        for grant in self.grants_of(identity):
            if grant.covers(namespace) and grant.rule.allows(group, resource, verb, name):
                return grant
        return None

    def acts_as(self, identity: Identity) -> dict[Identity, tuple[Identity, Grant]]:
        """Service accounts the identity can act as, directly or in steps:
        account -> (the identity that takes the step, the grant that allows it)."""
        reached: dict[Identity, tuple[Identity, Grant]] = {}
        todo = [identity]
        while todo:
            current = todo.pop()
            for account, grant in self._steps(current).items():
                if account != identity and account not in reached:
                    reached[account] = (current, grant)
                    todo.append(account)
        return reached

    def _steps(self, identity: Identity) -> dict[Identity, Grant]:
        """Accounts the identity can act as in one step (computed once per identity)."""
        if identity in self._step_cache:
            return self._step_cache[identity]
        steps: dict[Identity, Grant] = {}
        grants = self.grants_of(identity)
        for namespace, accounts in self._accounts_by_namespace().items():
            covering = [g for g in grants if g.covers(namespace)]
            if not covering:
                continue
            any_account = _first(covering, namespace, _RUN_AS_ANY)
            named = [g for g in covering if _may_name_an_account(g.rule)]
            for account in accounts:
                grant = any_account or (self._named_step(named, account) if named else None)
                if grant is not None:
                    steps[account] = grant
        self._step_cache[identity] = steps
        return steps

    def _accounts_by_namespace(self) -> dict[str, list[Identity]]:
        if self._by_namespace is None:
            self._by_namespace = {}
            for account in sorted(self.service_accounts, key=str):
                self._by_namespace.setdefault(account.namespace, []).append(account)
        return self._by_namespace

    def _named_step(self, grants: list[Grant], account: Identity) -> Grant | None:
        """A grant to mint, impersonate or read the token of this one account."""
        namespace = account.namespace
        secrets = {f"{account.name}{facts.TOKEN_SECRET_SUFFIX}"} | {
            secret
            for (secret_namespace, secret), owner in self.token_secrets.items()
            if secret_namespace == namespace and owner == account.name
        }
        requests = [(g, r, v, account.name) for g, r, v in facts.ACT_AS_NAMED_ACCOUNT]
        requests += [
            (group, resource, verb, secret)
            for group, resource, verbs in facts.SECRET_READ
            for verb in verbs
            for secret in sorted(secrets)
        ]
        return _first(grants, namespace, requests)


_RUN_AS_ANY = [
    (group, resource, verb, SOME_NAME)
    for group, resource, verbs in facts.RUN_AS_ANY_ACCOUNT
    for verb in verbs
]


_NAMED_RESOURCES = frozenset(resource for _, resource, _ in facts.ACT_AS_NAMED_ACCOUNT) | frozenset(
    resource for _, resource, _ in facts.SECRET_READ
)


def _may_name_an_account(rule: Rule) -> bool:
    """Whether the rule could allow minting, impersonating or reading an account's token."""
    return any(_resource_matches(rule.resources, resource) for resource in _NAMED_RESOURCES)


def _first(
    grants: list[Grant], namespace: str, requests: list[tuple[str, str, str, str | None]]
) -> Grant | None:
    """The first grant allowing one of the requests in the namespace."""
    for grant in grants:
        if not grant.covers(namespace):
            continue
        for group, resource, verb, name in requests:
            if grant.rule.allows(group, resource, verb, name):
                return grant
    return None


def _binding_subjects(binding: StackObject) -> Iterator[Identity]:
    subjects = _get(binding.manifest, "subjects")
    for subject in subjects if isinstance(subjects, list) else []:
        kind, name = _get(subject, "kind"), _get(subject, "name")
        if name is UNKNOWN:
            name = str(UNKNOWN)  # judged as one more identity: what it is granted counts
        if not isinstance(name, str):
            continue
        if kind == "ServiceAccount":
            namespace = _get(subject, "namespace")
            if not isinstance(namespace, str) or not namespace:
                # A RoleBinding's account subject defaults to the binding's namespace.
                namespace = binding.namespace if binding.kind == facts.ROLE_BINDING else ""
            yield service_account(namespace, name)
        elif kind == "User" and name.startswith(facts.SERVICE_ACCOUNT_USER_PREFIX):
            namespace, _, account = name[len(facts.SERVICE_ACCOUNT_USER_PREFIX) :].partition(":")
            yield service_account(namespace, account)
        elif kind in ("User", "Group"):
            yield Identity(kind, name)


def _labels_match(selector: Any, labels: Mapping[str, Any]) -> bool:
    """metav1.LabelSelector semantics (matchLabels and matchExpressions)."""
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        # An empty selector in an aggregationRule selects nothing useful; the controller
        # treats it as matching every ClusterRole.
        return True
    if isinstance(match_labels, Mapping):
        for key, value in match_labels.items():
            if labels.get(key) != value:
                return False
    for expression in expressions if isinstance(expressions, list) else []:
        key, operator = _get(expression, "key"), _get(expression, "operator")
        if not isinstance(key, str):
            return False
        values = _strings(_get(expression, "values"), unknown_is_all=False)
        if not label_requirement_holds(labels, key, operator, values):
            return False
    return True


def _labels(found: StackObject) -> Mapping[str, Any]:
    labels = _get(found.manifest, "metadata", "labels")
    return labels if isinstance(labels, Mapping) else {}


def _cluster_roles(objects: list[StackObject]) -> dict[str, tuple[list[Rule], list[str]]]:
    """ClusterRole name -> (rules after aggregation, where they come from)."""
    own: dict[str, list[Rule]] = {}
    selectors: dict[str, list[Any]] = {}
    labels: dict[str, Mapping[str, Any]] = {}
    for found in objects:
        rules = _get(found.manifest, "rules")
        own[found.name] = [Rule.of(rule) for rule in rules] if isinstance(rules, list) else []
        aggregation = _get(found.manifest, "aggregationRule", "clusterRoleSelectors")
        if isinstance(aggregation, list):
            selectors[found.name] = aggregation
        labels[found.name] = _labels(found)
    for name, builtin in facts.BUILTIN_CLUSTER_ROLES.items():
        if name not in own:
            own[name] = [Rule.of(rule) for rule in builtin]
            for included in facts.BUILTIN_INCLUDES.get(name, ()):
                own[name] += [Rule.of(rule) for rule in facts.BUILTIN_CLUSTER_ROLES[included]]
    for name, label in facts.BUILTIN_AGGREGATION_LABELS.items():
        if name not in selectors and name not in labels:
            wanted = [label] + [
                facts.BUILTIN_AGGREGATION_LABELS[included]
                for included in facts.BUILTIN_INCLUDES[name]
            ]
            selectors[name] = [{"matchLabels": {key: "true"}} for key in wanted]
    result = {name: (list(rules), [f"ClusterRole {name}"]) for name, rules in own.items()}
    # The aggregation controller keeps each aggregated role's rules equal to the union of
    # the roles its selectors match; follow it to a fixed point (aggregates of aggregates).
    changed = True
    while changed:
        changed = False
        for name, role_selectors in selectors.items():
            rules, sources = result[name]
            for other, other_labels in labels.items():
                if other == name or not any(
                    _labels_match(selector, other_labels) for selector in role_selectors
                ):
                    continue
                for rule in result[other][0]:
                    if rule not in rules:
                        rules.append(rule)
                        changed = True
                source = f"ClusterRole {other} (aggregated into {name})"
                if source not in sources:
                    sources.append(source)
    return result


def effective_rbac(objects: Iterable[StackObject]) -> EffectiveRbac:
    """Every grant the RBAC objects of the set make, by holder."""
    objects = list(objects)
    rbac = [o for o in objects if o.group == facts.RBAC_GROUP]
    roles = {
        (o.namespace, o.name): [Rule.of(r) for r in (_get(o.manifest, "rules") or [])]
        for o in rbac
        if o.kind == facts.ROLE and isinstance(_get(o.manifest, "rules") or [], list)
    }
    cluster_roles = _cluster_roles([o for o in rbac if o.kind == facts.CLUSTER_ROLE])
    model = EffectiveRbac()
    for found in rbac:
        if found.kind not in (facts.ROLE_BINDING, facts.CLUSTER_ROLE_BINDING):
            continue
        ref_kind = _get(found.manifest, "roleRef", "kind")
        ref_name = _get(found.manifest, "roleRef", "name")
        if not isinstance(ref_name, str) and ref_name is not UNKNOWN:
            continue  # the API server refuses a binding without a role name
        cluster_wide = found.kind == facts.CLUSTER_ROLE_BINDING
        namespace = None if cluster_wide else found.namespace
        if ref_kind == facts.ROLE and not cluster_wide:
            rules = roles.get((found.namespace, ref_name))
            what = f"Role {found.namespace}/{ref_name}"
        elif ref_kind == facts.CLUSTER_ROLE:
            rules = cluster_roles.get(ref_name, (None, []))[0]
            what = f"ClusterRole {ref_name}"
        else:
            rules, what = None, f"{ref_kind} {ref_name}"
        subjects = list(_binding_subjects(found))
        if ref_kind is UNKNOWN or ref_name is UNKNOWN:
            model.unjudged.append(
                (
                    Unjudged(f"{found.label}: the role it grants is unknown during preview"),
                    found.urn,
                )
            )
            continue
        if rules is None:
            # A role defined outside the stack was made by the cluster's admins; only the
            # built-in `system:` roles (controllers, nodes, ...) are known to be powerful.
            if subjects and isinstance(ref_name, str) and ref_name.startswith("system:"):
                model.unjudged.append(
                    (
                        f"{found.label} grants the built-in {what}, made for a Kubernetes "
                        "component; it may act far beyond what an Argo account needs, bind "
                        "a role of the stack instead",
                        found.urn,
                    )
                )
            continue
        source = f"{what} through {found.label}"
        for subject in subjects:
            held = model.grants.setdefault(subject, [])
            held += [Grant(subject, namespace, rule, source, found.urn) for rule in rules]
            if subject.kind == "ServiceAccount":
                model.service_accounts.add(subject)
    # Anyone the cluster binds the built-in admin / edit / view roles to (outside the
    # stack) gets what a ClusterRole of the set aggregates into them.
    for name in facts.BUILTIN_AGGREGATION_LABELS:
        rules, sources = cluster_roles.get(name, ([], []))
        builtin = _builtin_rules(name)
        added = [rule for rule in rules if rule not in builtin]
        if added and len(sources) > 1:
            holder = Identity("Group", f"<every holder of the built-in ClusterRole {name}>")
            source = ", ".join(sources[1:])
            model.grants.setdefault(holder, []).extend(
                Grant(holder, None, rule, source, None) for rule in added
            )
    for found in objects:
        if found.group == "" and found.kind == "ServiceAccount":
            model.service_accounts.add(service_account(found.namespace, found.name))
        if (
            found.group == ""
            and found.kind == "Secret"
            and _get(found.manifest, "type") == facts.TOKEN_SECRET_TYPE
        ):
            owner = _get(
                found.manifest, "metadata", "annotations", facts.TOKEN_SECRET_ACCOUNT_ANNOTATION
            )
            if isinstance(owner, str):
                model.token_secrets[(found.namespace, found.name)] = owner
    return model


@functools.cache  # built from constant tables: the same for every stack
def _builtin_rules(name: str) -> frozenset[Rule]:
    rules = {Rule.of(rule) for rule in facts.BUILTIN_CLUSTER_ROLES.get(name, [])}
    for included in facts.BUILTIN_INCLUDES.get(name, ()):
        rules |= {Rule.of(rule) for rule in facts.BUILTIN_CLUSTER_ROLES[included]}
    return frozenset(rules)


def workload_account(found: StackObject, namespace: str | None = None) -> Identity | None:
    """The service account a workload's pods run as, or None for other kinds."""
    path = facts.WORKLOAD_POD_SPEC.get((found.group, found.kind))
    if path is None:
        return None
    pod_spec = _get(found.manifest, *path)
    name = _get(pod_spec, "serviceAccountName") or _get(pod_spec, "serviceAccount")
    if not isinstance(name, str) or not name:
        name = facts.DEFAULT_SERVICE_ACCOUNT
    return service_account(namespace or found.namespace, name)
