/**
 * `wva migrate`, pure: from VariantAutoscalings to the annotated HPAs or ScaledObjects that
 * replace them, and back (scaler_manifests.ts builds the objects). Input is a list of documents
 * (from multi-document YAML files or a cluster listing); output is the objects to print plus
 * one line per problem (an invalid VA or annotated scaler, naming the field and the value) and
 * one line per note (an object skipped, a caveat). The caller prints nothing when there is a
 * problem, so a pipe into `kubectl apply -f -` never applies half a migration.
 *
 * @module
 */
import { parseAllDocuments } from "yaml";
import {
  type AnnotatedVariant,
  formatAnnotationProblem,
  readAnnotatedScaler,
  type UnmanagedReason,
} from "./annotations.ts";
import { chooseDiscoverySources, type DiscoveryCandidate } from "./discovery.ts";
import {
  hpaForVariant,
  scaledObjectForVariant,
  variantAutoscalingFor,
  type VariantSource,
} from "./scaler_manifests.ts";
import { API_VERSION, KIND, parseVariantAutoscaling } from "./v1alpha1.ts";
import { ConfigError } from "../util/validate.ts";

/** What to migrate to. */
export const MIGRATE_TARGETS = ["hpa", "scaledobject", "va"] as const;

/** A migration target. */
export type MigrateTarget = typeof MIGRATE_TARGETS[number];

/** One input document and where it came from (`va.yaml#2`, `cluster`). */
export interface SourcedDocument {
  readonly source: string;
  readonly doc: unknown;
}

/** Options of {@linkcode migrateDocuments}. */
export interface MigrateOptions {
  readonly to: MigrateTarget;
  /** KEDA's Prometheus address (`--to scaledobject`). */
  readonly prometheusUrl?: string | undefined;
  /** Namespace of objects that name none (as `kubectl apply` would). @default "default" */
  readonly defaultNamespace?: string | undefined;
  /** Only objects of this namespace. */
  readonly namespace?: string | undefined;
}

/** Result of {@linkcode migrateDocuments}. */
export interface MigrateResult {
  readonly objects: readonly Record<string, unknown>[];
  /** One line per problem: `<source>: <Kind> <ns>/<name>: <field>: <message> (got <value>)`. */
  readonly problems: readonly string[];
  /** One line per object skipped or caveat. */
  readonly notes: readonly string[];
}

type Json = Record<string, unknown>;

function record(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : undefined;
}

/**
 * Splits multi-document YAML (or JSON) into documents; a `kind: List` (what `kubectl get -o
 * yaml` prints) contributes its items. Empty documents are dropped.
 *
 * @throws {ConfigError} naming the source, the document and the position of a syntax error
 */
export function parseManifestDocuments(text: string, source: string): SourcedDocument[] {
  const out: SourcedDocument[] = [];
  parseAllDocuments(text).forEach((d, i) => {
    const err = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : "unknown position";
      throw new ConfigError([`${source}: not valid YAML/JSON at ${where}: ${err.code}`]);
    }
    const doc: unknown = d.toJS();
    const at = `${source}#${i + 1}`;
    const items = record(doc)?.kind === "List" ? record(doc)?.items : undefined;
    if (Array.isArray(items)) {
      items.forEach((item, j) => out.push({ source: `${at}.items[${j}]`, doc: item }));
    } else if (doc !== null && doc !== undefined) out.push({ source: at, doc });
  });
  return out;
}

function describeObject(doc: unknown): string {
  const o = record(doc);
  const meta = record(o?.metadata);
  const name = typeof meta?.name === "string" ? meta.name : "(unnamed)";
  const ns = typeof meta?.namespace === "string" ? `${meta.namespace}/` : "";
  return `${typeof o?.kind === "string" ? o.kind : "object"} ${ns}${name}`;
}

/** The document with `metadata.namespace` filled in when absent. */
function withNamespace(doc: unknown, namespace: string): unknown {
  const o = record(doc);
  const meta = record(o?.metadata);
  if (!o || !meta || meta.namespace !== undefined) return doc;
  return { ...o, metadata: { ...meta, namespace } };
}

function namespaceOf(doc: unknown): string | undefined {
  const ns = record(record(doc)?.metadata)?.namespace;
  return typeof ns === "string" ? ns : undefined;
}

function fromVariantAutoscalings(
  docs: readonly SourcedDocument[],
  options: MigrateOptions,
  out: { objects: Json[]; problems: string[]; notes: string[] },
): void {
  for (const { source, doc } of docs) {
    const o = record(doc);
    if (o?.kind !== KIND || o.apiVersion !== API_VERSION) {
      out.notes.push(`${source}: ${describeObject(doc)} skipped: not a ${API_VERSION} ${KIND}`);
      continue;
    }
    const r = parseVariantAutoscaling(doc);
    if (!r.ok) {
      for (const p of r.problems) out.problems.push(`${source}: ${describeObject(doc)}: ${p}`);
      continue;
    }
    const va: VariantSource = r.va;
    if (options.to === "hpa" && va.spec.minReplicas === 0) {
      out.notes.push(
        `${source}: ${describeObject(doc)}: minReplicas 0 on an HPA needs the HPAScaleToZero ` +
          "feature gate; --to scaledobject scales to zero without it",
      );
    }
    out.objects.push(
      options.to === "hpa"
        ? hpaForVariant(va)
        : scaledObjectForVariant(va, { prometheusUrl: options.prometheusUrl }),
    );
  }
}

const UNMANAGED_WHY: Readonly<Record<UnmanagedReason, string>> = {
  "not-a-scaler": "not an autoscaling/v2 HorizontalPodAutoscaler or keda.sh/v1alpha1 ScaledObject",
  "not-annotated": 'not annotated llm-d.ai/managed: "true"',
  "deleting": "being deleted",
  "other-instance": "labelled for another controller instance",
};

function fromScalers(
  docs: readonly SourcedDocument[],
  out: { objects: Json[]; problems: string[]; notes: string[] },
): void {
  const found: (AnnotatedVariant & DiscoveryCandidate)[] = [];
  for (const { source, doc } of docs) {
    const r = readAnnotatedScaler(doc);
    if (r.status === "unmanaged") {
      out.notes.push(`${source}: ${describeObject(doc)} skipped: ${UNMANAGED_WHY[r.reason]}`);
    } else if (r.status === "invalid") {
      for (const p of r.problems) out.problems.push(`${source}: ${formatAnnotationProblem(p)}`);
    } else {
      const v = r.variant;
      found.push({ ...v, source: v.scaler.kind, scaleTargetRef: v.spec.scaleTargetRef });
    }
  }
  const chosen = chooseDiscoverySources(found);
  for (const n of chosen.notes) out.notes.push(`${n.message}: one VariantAutoscaling printed`);
  for (const v of chosen.variants) out.objects.push(variantAutoscalingFor(v));
}

/** Migrates the documents (see the module doc). Never throws. */
export function migrateDocuments(
  docs: readonly SourcedDocument[],
  options: MigrateOptions,
): MigrateResult {
  const out = { objects: [] as Json[], problems: [] as string[], notes: [] as string[] };
  const filled = docs
    .map((d) => ({ ...d, doc: withNamespace(d.doc, options.defaultNamespace ?? "default") }))
    .filter((d) => options.namespace === undefined || namespaceOf(d.doc) === options.namespace);
  if (options.to === "va") fromScalers(filled, out);
  else fromVariantAutoscalings(filled, options, out);
  if (out.objects.length === 0 && out.problems.length === 0) {
    const what = options.to === "va"
      ? 'HorizontalPodAutoscaler or ScaledObject annotated llm-d.ai/managed: "true"'
      : "VariantAutoscaling";
    const where = options.namespace === undefined ? "" : ` in namespace ${options.namespace}`;
    out.problems.push(`no ${what} found in the input${where}`);
  }
  return out;
}
