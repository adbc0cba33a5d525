import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControlResult, ControlStatus } from "../../control.js";
import { evaluatePosture } from "../../engine.js";
import { FileView } from "../../file-view.js";
import { loadControlSet } from "../../load.js";
import type { PostureTarget } from "../../target.js";
import { collectors } from "./index.js";
import { goDurationSeconds, kubeletCollector } from "./kubelet.js";
import { loadManifests } from "./manifests.js";
import { workloadCollector } from "./workload.js";

const here = import.meta.dirname;
const CONTROLS = join(here, "../../controls/kubernetes.yaml");

/**
 * Every control of kubernetes.yaml: its status on the good fixtures (testdata/good + testdata/kubelet/good)
 * and the subjects that must fail it on the bad ones (testdata/bad + testdata/kubelet/bad). A control that
 * is not listed here fails the test.
 */
/** Every workload of the bad fixtures: what a control no bad workload complies with names. */
const EVERY_BAD_WORKLOAD = [
  "Deployment default/api",
  "Pod ops/win-agent",
  "DaemonSet ops/node-agent",
  "CronJob ops/cleanup",
  "Job legacy/legacy-migrate",
  "ReplicationController legacy/legacy-web",
];

const EXPECTED: Record<string, { good: ControlStatus; bad: string[] }> = {
  "k8s-privileged-container": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-host-pid": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-host-ipc": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-host-network": { good: "pass", bad: ["Deployment default/api", "Pod ops/win-agent"] },
  "k8s-allow-privilege-escalation": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-run-as-non-root": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  // node-agent drops NET_RAW: the only bad workload that passes.
  "k8s-net-raw-capability": {
    good: "pass",
    bad: [
      "Deployment default/api",
      "Pod ops/win-agent",
      "CronJob ops/cleanup",
      "Job legacy/legacy-migrate",
      "ReplicationController legacy/legacy-web",
    ],
  },
  "k8s-added-capabilities": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-drop-all-capabilities": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-windows-hostprocess": { good: "pass", bad: ["Pod ops/win-agent"] },
  "k8s-hostpath-volume": { good: "pass", bad: ["Deployment default/api", "DaemonSet ops/node-agent"] },
  "k8s-host-port": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-seccomp-profile": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-apparmor-unconfined": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-proc-mount": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-read-only-root-filesystem": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-default-service-account-used": {
    good: "pass",
    bad: [
      "Deployment default/api",
      "Pod ops/win-agent",
      "CronJob ops/cleanup",
      "Job legacy/legacy-migrate",
      "ReplicationController legacy/legacy-web",
    ],
  },
  "k8s-service-account-token-automount": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-default-service-account-automount": { good: "pass", bad: ["ServiceAccount default/default"] },
  "k8s-secret-literal-env": { good: "pass", bad: ["Deployment default/api", "Job legacy/legacy-migrate"] },
  "k8s-secret-as-env": { good: "pass", bad: ["Deployment default/api"] },
  "k8s-default-namespace": { good: "pass", bad: ["Deployment default/api"] },
  // legacy-web sets a memory limit (and nothing else).
  "k8s-memory-limit": {
    good: "pass",
    bad: [
      "Deployment default/api",
      "Pod ops/win-agent",
      "DaemonSet ops/node-agent",
      "CronJob ops/cleanup",
      "Job legacy/legacy-migrate",
    ],
  },
  "k8s-cpu-limit": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-resource-requests": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  // Probes apply to long-running controllers only: the Pod, CronJob and Job are not checked.
  "k8s-liveness-probe": {
    good: "pass",
    bad: ["Deployment default/api", "DaemonSet ops/node-agent", "ReplicationController legacy/legacy-web"],
  },
  "k8s-readiness-probe": {
    good: "pass",
    bad: ["Deployment default/api", "DaemonSet ops/node-agent", "ReplicationController legacy/legacy-web"],
  },
  "k8s-image-tag": { good: "pass", bad: ["Deployment default/api", "Job legacy/legacy-migrate"] },
  "k8s-image-digest": {
    good: "pass",
    bad: EVERY_BAD_WORKLOAD,
  },
  "k8s-rbac-cluster-admin-binding": { good: "pass", bad: ["ClusterRoleBinding ops-cluster-admin"] },
  "k8s-rbac-secrets-access": { good: "pass", bad: ["ClusterRole ops-everything", "ClusterRole secret-reader"] },
  "k8s-rbac-wildcard": { good: "pass", bad: ["ClusterRole ops-everything"] },
  "k8s-rbac-create-pods": { good: "pass", bad: ["ClusterRole ops-everything", "Role default/deployer"] },
  "k8s-rbac-system-masters": { good: "pass", bad: ["ClusterRoleBinding break-glass"] },
  "k8s-rbac-escalation-verbs": { good: "pass", bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"] },
  "k8s-rbac-create-persistent-volumes": {
    good: "pass",
    bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"],
  },
  "k8s-rbac-nodes-proxy": { good: "pass", bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"] },
  "k8s-rbac-csr-approval": { good: "pass", bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"] },
  "k8s-rbac-webhook-configuration": { good: "pass", bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"] },
  "k8s-rbac-service-account-token-creation": {
    good: "pass",
    bad: ["ClusterRole ops-everything", "ClusterRole platform-admin"],
  },
  "k8s-rbac-pods-exec": { good: "pass", bad: ["ClusterRole ops-everything", "Role default/deployer"] },
  "k8s-rbac-anonymous-binding": { good: "pass", bad: ["ClusterRoleBinding public-status"] },
  "k8s-rbac-default-service-account-binding": { good: "pass", bad: ["RoleBinding default/deployer"] },
  // ops has a policy for node-agent only; default and legacy have none.
  "k8s-network-policy": { good: "pass", bad: ["Namespace default", "Namespace legacy", "Namespace ops"] },
  "k8s-network-default-deny-ingress": { good: "pass", bad: ["Namespace default", "Namespace legacy", "Namespace ops"] },
  "k8s-network-default-deny-egress": { good: "pass", bad: ["Namespace default", "Namespace legacy", "Namespace ops"] },
  "k8s-service-nodeport": { good: "pass", bad: ["Service default/api"] },
  "k8s-service-external-ips": { good: "pass", bad: ["Service default/api"] },
  "k8s-service-load-balancer-source-ranges": { good: "pass", bad: ["Service default/api-public"] },
  "k8s-kubelet-service-file-permissions": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-service-file-ownership": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-kubeconfig-permissions": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-kubeconfig-ownership": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-ca-permissions": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-ca-ownership": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-config-permissions": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-config-ownership": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-anonymous-auth": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-authorization-mode": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-client-ca": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-read-only-port": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-streaming-timeout": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-iptables-util-chains": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-hostname-override": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-event-qps": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-tls-certificate": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-rotate-certificates": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-rotate-server-certificates": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-tls-cipher-suites": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-pod-pids-limit": { good: "pass", bad: ["kubelet"] },
  "k8s-kubelet-protect-kernel-defaults": { good: "pass", bad: ["kubelet"] },
};

/**
 * The kubelet fixtures as a node has them: git keeps neither modes nor owners, so the test sets them on a
 * copy (the good node root:root 0600, the bad one 1000:1000 0644). Setting owners needs root.
 */
async function nodeRoot(side: "good" | "bad", tmp: string): Promise<string> {
  const root = join(tmp, side);
  await cp(join(here, "testdata/kubelet", side), root, { recursive: true });
  const files = [
    "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "etc/kubernetes/kubelet.conf",
    "etc/kubernetes/pki/ca.crt",
    "var/lib/kubelet/config.yaml",
  ];
  for (const f of files) {
    await chmod(join(root, f), side === "good" ? 0o600 : 0o644);
    try {
      await chown(join(root, f), side === "good" ? 0 : 1000, side === "good" ? 0 : 1000);
    } catch (e) {
      throw new Error(`the kubelet fixtures need root to set file owners: ${(e as Error).message}`);
    }
  }
  return root;
}

describe("kubernetes controls", async () => {
  const set = loadControlSet(
    await readFile(CONTROLS, "utf8"),
    "kubernetes.yaml",
    new Set(collectors.map((c) => c.name)),
  );
  let tmp = "";
  const results: Record<"good" | "bad", Map<string, ControlResult>> = { good: new Map(), bad: new Map() };
  const warnings: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "rampart-k8s-"));
    for (const side of ["good", "bad"] as const) {
      const target: PostureTarget = {
        name: side,
        kubernetes: await loadManifests([join(here, "testdata", side)], (m) => warnings.push(m)),
        files: new FileView(await nodeRoot(side, tmp)),
      };
      const report = await evaluatePosture(set.controls, target, collectors);
      warnings.push(...report.warnings);
      for (const r of report.results) results[side].set(r.control.id, r);
    }
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("has at least 45 controls, each in the expectation table", () => {
    expect(set.controls.length).toBeGreaterThanOrEqual(45);
    expect(set.controls.map((c) => c.id).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(warnings).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))("%s: passes on good, fails on exactly the bad subjects", (id, want) => {
    const good = results.good.get(id);
    expect(good, `${id} was not evaluated`).toBeDefined();
    expect({ status: good?.status, reason: good?.reason, violations: good?.violations }).toMatchObject({
      status: want.good,
      violations: [],
    });
    const bad = results.bad.get(id);
    expect(bad?.status, bad?.reason).toBe("fail");
    expect(bad?.violations.map((v) => v.subject).sort()).toEqual([...want.bad].sort());
    for (const v of bad?.violations ?? []) expect(v.evidence.length, `${id} gives evidence`).toBeGreaterThan(0);
  });

  it("points manifest violations at the file and line of the object", () => {
    const v = results.bad.get("k8s-privileged-container")?.violations[0];
    expect(v?.location?.path).toBe(join(here, "testdata/bad/app.yaml"));
    expect(v?.location?.line).toBe(9); // "apiVersion: apps/v1" of the api Deployment
  });

  it("never puts a secret's value into facts or evidence", () => {
    const all = JSON.stringify([...results.bad.values()].map((r) => r.violations));
    expect(all).toContain("DB_PASSWORD");
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain("s3cr3t-value");
  });

  it("is not applicable without manifests or a kubelet", async () => {
    const empty = await mkdtemp(join(tmpdir(), "rampart-k8s-empty-"));
    try {
      const r = await evaluatePosture(set.controls, { name: "empty", files: new FileView(empty) }, collectors);
      expect(new Set(r.results.map((x) => x.status))).toEqual(new Set(["not-applicable"]));
      expect(r.platforms).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe("kubernetes collectors", () => {
  it("checks each pod template once: objects a controller made are left to their controller", async () => {
    const owned = { controller: true, kind: "Deployment", name: "web", apiVersion: "apps/v1", uid: "1" };
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:1" }] } };
    const subjects = await workloadCollector.collect(
      {
        name: "cluster",
        kubernetes: [
          { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "a" }, spec: { template } },
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            metadata: { name: "web-5d9", namespace: "a", ownerReferences: [owned] },
            spec: { template },
          },
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "web-5d9-x", namespace: "a", ownerReferences: [{ ...owned, kind: "ReplicaSet" }] },
            spec: template.spec,
          },
          { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "a" }, spec: template.spec },
        ],
      },
      () => {},
    );
    expect(subjects?.map((s) => s.id)).toEqual(["Deployment a/web", "Pod a/debug"]);
  });

  it("leaves Kubernetes' own default roles and bindings out of the RBAC controls", async () => {
    const set = loadControlSet(
      await readFile(CONTROLS, "utf8"),
      "kubernetes.yaml",
      new Set(collectors.map((c) => c.name)),
    );
    const defaults = { "kubernetes.io/bootstrapping": "rbac-defaults" };
    const r = await evaluatePosture(
      set.controls.filter((c) => c.input === "rbac" && c.id !== "k8s-default-service-account-automount"),
      {
        name: "cluster",
        kubernetes: [
          {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "cluster-admin", labels: defaults },
            rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
          },
          {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "cluster-admin", labels: defaults },
            roleRef: { kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "Group", name: "system:masters" }],
          },
        ],
      },
      collectors,
    );
    expect(new Set(r.results.map((x) => x.status))).toEqual(new Set(["not-applicable"]));
  });

  it("reads a kubelet configured by flags only, with the flag defaults", async () => {
    const root = await mkdtemp(join(tmpdir(), "rampart-kubelet-flags-"));
    try {
      const dropIn = join(root, "etc/systemd/system/kubelet.service.d");
      await mkdir(dropIn, { recursive: true });
      await writeFile(
        join(dropIn, "10-kubeadm.conf"),
        '[Service]\nEnvironment="KUBELET_ARGS=--kubeconfig=/etc/kubernetes/kubelet.conf --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"\nExecStart=/usr/bin/kubelet $KUBELET_ARGS --streaming-connection-idle-timeout=1h30m --pod-max-pids 100\n',
      );
      const subjects = await kubeletCollector.collect({ name: "node", files: new FileView(root) }, () => {});
      expect(subjects?.[0]?.facts).toMatchObject({
        configfile: "",
        config: {
          anonymousauth: true,
          authorizationmode: "AlwaysAllow",
          readonlyport: 10255,
          streamingidleseconds: 5400,
          tlsciphersuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
          podpidslimit: 100,
        },
        files: {
          service: { exists: true },
          config: { exists: false },
          kubeconfig: { path: "/etc/kubernetes/kubelet.conf", exists: false },
        },
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reads Go durations", () => {
    expect(goDurationSeconds("4h0m0s")).toBe(14400);
    expect(goDurationSeconds("0s")).toBe(0);
    expect(goDurationSeconds("0")).toBe(0);
    expect(goDurationSeconds("90s")).toBe(90);
    expect(goDurationSeconds("5 minutes")).toBeUndefined();
  });
});
