import { parse as parseYaml } from "yaml";
import type { FileView } from "../../file-view.js";
import type { PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { bool, num, type Obj, obj, str, strs } from "./objects.js";

/** Where kubeadm and the distribution packages put the kubelet's unit, drop-in, flags and config. */
const SERVICE_FILES = [
  "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
  "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
  "/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
  "/etc/systemd/system/kubelet.service",
  "/usr/lib/systemd/system/kubelet.service",
  "/lib/systemd/system/kubelet.service",
];
const FLAG_FILES = ["/var/lib/kubelet/kubeadm-flags.env", "/etc/default/kubelet", "/etc/sysconfig/kubelet"];
const DEFAULT_CONFIG = "/var/lib/kubelet/config.yaml";
const DEFAULT_KUBECONFIG = "/etc/kubernetes/kubelet.conf";
const DEFAULT_CA = "/etc/kubernetes/pki/ca.crt";

/** The kubelet's boolean flags this collector reads: a bare "--name" means true and takes no value. */
const BOOL_FLAGS = new Set([
  "anonymous-auth",
  "protect-kernel-defaults",
  "make-iptables-util-chains",
  "rotate-certificates",
]);

/**
 * The kubelet's flags in its systemd unit lines and environment files: "--name=value", "--name value" and a
 * bare boolean "--name". `VAR="--a=1 --b=2"` assignments are read for the flags they hold.
 */
export function parseFlags(texts: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const t of texts) {
    const words = t
      .replace(/["']/g, " ")
      .split(/\s+/)
      .map((w) => {
        const at = w.indexOf("=--");
        return at >= 0 && !w.startsWith("--") ? w.slice(at + 1) : w;
      });
    for (let i = 0; i < words.length; i++) {
      const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(words[i] as string);
      if (!m) continue;
      const name = m[1] as string;
      if (m[2] !== undefined) flags.set(name, m[2]);
      else if (BOOL_FLAGS.has(name)) flags.set(name, "true");
      else {
        const next = words[i + 1];
        if (next !== undefined && next !== "" && !next.startsWith("-") && !next.startsWith("$")) {
          flags.set(name, next);
          i++;
        } else flags.set(name, "");
      }
    }
  }
  return flags;
}

/** Seconds of a Go duration ("4h0m0s", "5m", "0"); undefined when it is not one. */
export function goDurationSeconds(s: string): number | undefined {
  if (/^0+$/.test(s)) return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let matched = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += n * ({ h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 }[m[2] as string] ?? 0);
    matched += m[0].length;
  }
  return matched === s.length && s.length > 0 ? total : undefined;
}

async function fileFacts(files: FileView, path: string): Promise<Record<string, unknown>> {
  const m = await files.stat(path);
  return m && m.kind === "file"
    ? { path, exists: true, mode: m.mode, uid: m.uid, gid: m.gid }
    : { path, exists: false, mode: 0, uid: -1, gid: -1 };
}

function featureGates(config: Obj, flag: string | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(obj(config.featureGates))) if (typeof v === "boolean") out[k] = v;
  for (const pair of (flag ?? "").split(",")) {
    const [k, v] = pair.split("=");
    if (k && (v === "true" || v === "false")) out[k.trim()] = v === "true";
  }
  return out;
}

/**
 * The kubelet's effective settings on a node (CIS Kubernetes section 4) from its config file and the flags of
 * its systemd drop-in and environment files (flags win, as they do in the kubelet). Defaults are the
 * KubeletConfiguration v1beta1 ones when a config file is in use and the flag defaults when it is not.
 */
export const kubeletCollector: Collector = {
  name: "kubelet",
  platform: "kubernetes",
  description:
    "The node's kubelet: its configuration file, flags and the permissions of its service, kubeconfig and CA files",
  async collect(target: PostureTarget, warn): Promise<Subject[] | undefined> {
    const files = target.files;
    if (!files) return undefined;
    const serviceFiles: string[] = [];
    const flagTexts: string[] = [];
    for (const p of SERVICE_FILES) {
      const text = await files.read(p).catch(() => undefined);
      if (text === undefined) continue;
      serviceFiles.push(p);
      flagTexts.push(...text.split("\n").filter((l) => /^\s*(ExecStart|Environment)=/.test(l)));
    }
    for (const p of FLAG_FILES) {
      const text = await files.read(p).catch(() => undefined);
      if (text !== undefined) flagTexts.push(text);
    }
    const flags = parseFlags(flagTexts);
    const configPath = flags.get("config") || DEFAULT_CONFIG;
    let configText: string | undefined;
    try {
      configText = await files.read(configPath);
    } catch (e) {
      warn((e as Error).message);
    }
    if (configText === undefined && serviceFiles.length === 0) return undefined;
    let config: Obj = {};
    if (configText !== undefined) {
      try {
        config = obj(parseYaml(configText, { maxAliasCount: 100, prettyErrors: false }));
      } catch (e) {
        warn(`${configPath}: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    const usesConfig = configText !== undefined;
    const flagBool = (n: string): boolean | undefined => {
      const v = flags.get(n);
      return v === undefined ? undefined : v === "true" || v === "1";
    };
    const flagNum = (n: string): number | undefined => {
      const v = flags.get(n);
      return v === undefined || v === "" || Number.isNaN(Number(v)) ? undefined : Number(v);
    };
    const authn = obj(config.authentication);
    const idle =
      flags.get("streaming-connection-idle-timeout") ?? (str(config.streamingConnectionIdleTimeout) || "4h0m0s");
    const gates = featureGates(config, flags.get("feature-gates"));
    const clientCa = flags.get("client-ca-file") ?? str(obj(authn.x509).clientCAFile);
    const settings = {
      anonymousauth: flagBool("anonymous-auth") ?? bool(obj(authn.anonymous).enabled) ?? !usesConfig,
      authorizationmode:
        flags.get("authorization-mode") ??
        (str(obj(config.authorization).mode) || (usesConfig ? "Webhook" : "AlwaysAllow")),
      clientcafile: clientCa,
      readonlyport: flagNum("read-only-port") ?? num(config.readOnlyPort) ?? (usesConfig ? 0 : 10255),
      streamingconnectionidletimeout: idle,
      streamingidleseconds: goDurationSeconds(idle) ?? -1,
      protectkerneldefaults: flagBool("protect-kernel-defaults") ?? bool(config.protectKernelDefaults) ?? false,
      makeiptablesutilchains: flagBool("make-iptables-util-chains") ?? bool(config.makeIPTablesUtilChains) ?? true,
      eventrecordqps: flagNum("event-qps") ?? num(config.eventRecordQPS) ?? 50,
      tlscertfile: flags.get("tls-cert-file") ?? str(config.tlsCertFile),
      tlsprivatekeyfile: flags.get("tls-private-key-file") ?? str(config.tlsPrivateKeyFile),
      servertlsbootstrap: bool(config.serverTLSBootstrap) ?? false,
      rotatecertificates: flagBool("rotate-certificates") ?? bool(config.rotateCertificates) ?? false,
      // Beta and on by default since Kubernetes 1.12.
      rotateservercertificates: gates.RotateKubeletServerCertificate ?? true,
      tlsciphersuites: flags.has("tls-cipher-suites")
        ? (flags.get("tls-cipher-suites") as string).split(",").filter(Boolean)
        : strs(config.tlsCipherSuites),
      podpidslimit: flagNum("pod-max-pids") ?? num(config.podPidsLimit) ?? -1,
      hostnameoverride: flags.get("hostname-override") ?? "",
    };
    const serviceFile = serviceFiles.find((p) => p.endsWith("10-kubeadm.conf")) ?? serviceFiles[0] ?? SERVICE_FILES[0];
    return [
      {
        id: "kubelet",
        facts: {
          config: settings,
          configfile: usesConfig ? configPath : "",
          files: {
            service: await fileFacts(files, serviceFile as string),
            config: await fileFacts(files, configPath),
            kubeconfig: await fileFacts(files, flags.get("kubeconfig") || DEFAULT_KUBECONFIG),
            ca: await fileFacts(files, clientCa || DEFAULT_CA),
          },
        },
        ...(usesConfig ? { location: { path: configPath } } : {}),
      },
    ];
  },
};
