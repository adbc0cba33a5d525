import type { KubeObject, PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { arr, bool, locationOf, nameOf, type Obj, str, strs, subjectId } from "./objects.js";

/** Resources that make pods: create on any of them runs arbitrary pods (and so mounts any secret of the namespace). */
const POD_MAKERS = [
  "pods",
  "deployments",
  "statefulsets",
  "daemonsets",
  "replicasets",
  "replicationcontrollers",
  "jobs",
  "cronjobs",
];
const READ = ["get", "list", "watch"];

interface Rule {
  verbs: string[];
  resources: string[];
  apiGroups: string[];
  resourceNames: string[];
}

function rulesOf(o: KubeObject): Rule[] {
  return arr(o.rules).map((r) => ({
    verbs: strs(r.verbs),
    resources: strs(r.resources),
    apiGroups: strs(r.apiGroups),
    resourceNames: strs(r.resourceNames),
  }));
}

/** Does some rule allow one of `verbs` on one of `resources` in one of `groups`? Wildcards count. */
function allows(rules: Rule[], verbs: string[], resources: string[], groups: string[]): boolean {
  return rules.some(
    (r) =>
      r.verbs.some((v) => v === "*" || verbs.includes(v)) &&
      r.resources.some((x) => x === "*" || resources.includes(x)) &&
      r.apiGroups.some((g) => g === "*" || groups.includes(g)),
  );
}

function ruleText(r: Rule): string {
  return `verbs [${r.verbs.join(", ")}] on [${r.resources.join(", ")}] in apiGroups [${r.apiGroups.map((g) => g || '""').join(", ")}]${
    r.resourceNames.length ? ` named [${r.resourceNames.join(", ")}]` : ""
  }`;
}

/** Objects Kubernetes itself creates: "system:" names and the default roles and bindings (cluster-admin, admin, edit, view). */
function isSystem(o: KubeObject): boolean {
  return nameOf(o).startsWith("system:") || o.metadata?.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults";
}

function roleFacts(o: KubeObject): Record<string, unknown> {
  const rules = rulesOf(o);
  const privilegeVerbs = ["escalate", "bind", "impersonate"].filter((v) =>
    rules.some((r) => r.verbs.some((x) => x === "*" || x === v)),
  );
  return {
    kind: str(o.kind),
    name: nameOf(o),
    namespace: str(o.metadata?.namespace),
    system: isSystem(o),
    rules: rules.map(ruleText),
    wildcardverbs: rules.some((r) => r.verbs.includes("*")),
    wildcardresources: rules.some((r) => r.resources.includes("*")),
    wildcardapigroups: rules.some((r) => r.apiGroups.includes("*")),
    // A rule limited to named secrets (resourceNames) is the narrow grant the remediation asks for.
    secretsaccess: allows(
      rules.filter((r) => r.resourceNames.length === 0),
      READ,
      ["secrets"],
      [""],
    ),
    podsexec: allows(rules, ["create", "get"], ["pods/exec", "pods/attach"], [""]),
    privilegeverbs: privilegeVerbs,
    createpods: allows(rules, ["create"], POD_MAKERS, ["", "apps", "batch"]),
    createpersistentvolumes: allows(rules, ["create"], ["persistentvolumes"], [""]),
    nodesproxy: allows(rules, ["get", "create", "update", "patch", "delete"], ["nodes/proxy"], [""]),
    csrapproval: allows(rules, ["update", "patch"], ["certificatesigningrequests/approval"], ["certificates.k8s.io"]),
    webhookconfigs: allows(
      rules,
      ["create", "update", "patch", "delete"],
      ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
      ["admissionregistration.k8s.io"],
    ),
    serviceaccounttokens: allows(rules, ["create"], ["serviceaccounts/token"], [""]),
  };
}

function bindingFacts(o: KubeObject): Record<string, unknown> {
  const ref = o.roleRef as Obj | undefined;
  const roleKind = str(ref?.kind);
  const roleName = str(ref?.name);
  const subjects = arr(o.subjects).map((s) => ({
    kind: str(s.kind),
    name: str(s.name),
    namespace: str(s.namespace) || (str(s.kind) === "ServiceAccount" ? str(o.metadata?.namespace) || "default" : ""),
  }));
  const texts = subjects.map((s) =>
    s.kind === "ServiceAccount" ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`,
  );
  return {
    kind: str(o.kind),
    name: nameOf(o),
    namespace: str(o.metadata?.namespace),
    system: isSystem(o),
    roleref: `${roleKind}/${roleName}`,
    subjects: texts,
    clusteradmin: roleKind === "ClusterRole" && roleName === "cluster-admin",
    anonymous: subjects.some(
      (s) =>
        (s.kind === "User" && s.name === "system:anonymous") ||
        (s.kind === "Group" && s.name === "system:unauthenticated"),
    ),
    systemmasters: subjects.some((s) => s.kind === "Group" && s.name === "system:masters"),
    defaultserviceaccount: subjects.some((s) => s.kind === "ServiceAccount" && s.name === "default"),
  };
}

function serviceAccountFacts(o: KubeObject): Record<string, unknown> {
  return {
    kind: "ServiceAccount",
    name: nameOf(o),
    namespace: str(o.metadata?.namespace),
    // null: not set, so pods mount its token unless they opt out.
    automount: bool(o.automountServiceAccountToken) ?? null,
  };
}

/**
 * RBAC: one subject per Role and ClusterRole (what its rules allow), per RoleBinding and ClusterRoleBinding
 * (to whom), and per ServiceAccount. Controls pick theirs with `applies: rbac.kind == …`.
 */
export const rbacCollector: Collector = {
  name: "rbac",
  platform: "kubernetes",
  description: "Roles, ClusterRoles, their bindings and ServiceAccounts of a manifest or cluster",
  async collect(target: PostureTarget): Promise<Subject[] | undefined> {
    if (!target.kubernetes) return undefined;
    const out: Subject[] = [];
    for (const o of target.kubernetes) {
      let facts: Record<string, unknown>;
      if (o.kind === "Role" || o.kind === "ClusterRole") facts = roleFacts(o);
      else if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") facts = bindingFacts(o);
      else if (o.kind === "ServiceAccount") facts = serviceAccountFacts(o);
      else continue;
      const location = locationOf(o);
      const namespaced = !o.kind.startsWith("Cluster");
      out.push({ id: subjectId(o, namespaced), facts, ...(location ? { location } : {}) });
    }
    return out;
  },
};
