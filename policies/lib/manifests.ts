// Reads Kubernetes manifests (multi-document YAML, `List` kinds) into engine resources.
import * as fs from "fs";
import * as path from "path";
import { Composer, Document, Parser } from "yaml";
import { k8sTypeToken } from "./tokens";
import { asObject, asString } from "./util";

export interface ManifestResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, any>;
  file: string;
}

/** Input that cannot be read: the CLI exits 2 with this message. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly document: number | undefined,
    detail: string,
  ) {
    super(document === undefined ? `${file}: ${detail}` : `${file}: document ${document} (index ${document - 1}): ${detail}`);
    this.name = "InputError";
  }
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Expands files and directories (recursively, sorted, skipping dot-dirs and node_modules); `-` is stdin. */
export function expandInputs(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(dir, undefined, `cannot read directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith(".") && e.name !== "node_modules") walk(p);
      } else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
        out.push(p);
      }
    }
  };
  for (const input of inputs) {
    if (input === "-") {
      out.push("-");
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (e) {
      throw new InputError(input, undefined, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (st.isDirectory()) walk(input);
    else out.push(input);
  }
  return out;
}

export function readInput(file: string): string {
  try {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file === "-" ? "<stdin>" : file, undefined, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface ParsedManifests {
  resources: ManifestResource[];
  /** Documents that are mappings but not Kubernetes objects (Chart.yaml, values.yaml...): skipped. */
  warnings: string[];
}

/**
 * Streams the YAML documents of a text, one at a time (YAML 1.1, as Kubernetes reads it: `yes` is a
 * boolean), so each document's syntax tree is garbage as soon as it is converted. The bench's parse
 * floor uses this same function.
 */
export function forEachYamlDocument(text: string, onDoc: (doc: Document.Parsed, index: number) => void): void {
  const composer = new Composer({ version: "1.1", prettyErrors: false });
  let i = 0;
  for (const doc of composer.compose(new Parser().parse(text))) onDoc(doc, i++);
}

/** Parses one file's text. Syntax errors and non-mapping documents throw InputError naming the file and document. */
export function parseManifestText(text: string, file: string, into: ParsedManifests = { resources: [], warnings: [] }): ParsedManifests {
  const label = file === "-" ? "<stdin>" : file;
  forEachYamlDocument(text, (doc, i) => {
    const n = i + 1;
    if (doc.errors.length > 0) throw new InputError(label, n, `invalid YAML: ${doc.errors[0].message.split("\n")[0]}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new InputError(label, n, `cannot convert YAML: ${(e as Error).message}`);
    }
    if (value === null || value === undefined) return; // empty document (`---` with comments only)
    if (!asObject(value)) throw new InputError(label, n, `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a sequence" : typeof value}`);
    addObject(value as Record<string, unknown>, label, n, into);
  });
  return into;
}

function addObject(obj: Record<string, unknown>, file: string, doc: number, into: ParsedManifests, depth = 0): void {
  const apiVersion = asString(obj.apiVersion);
  const kind = asString(obj.kind);
  if (kind && kind.endsWith("List") && Array.isArray(obj.items) && depth < 8) {
    obj.items.forEach((item, j) => {
      const o = asObject(item);
      if (!o) throw new InputError(file, doc, `items[${j}] of the ${kind} is not a mapping`);
      addObject(o, file, doc, into, depth + 1);
    });
    return;
  }
  if (!apiVersion || !kind) {
    into.warnings.push(`${file}: document ${doc}: skipped, not a Kubernetes object (no apiVersion/kind)`);
    return;
  }
  const type = k8sTypeToken(apiVersion, kind);
  const meta = asObject(obj.metadata);
  const name = asString(meta?.name) || asString(meta?.generateName) || `${kind.toLowerCase()}-${file}-${doc}`;
  const ns = asString(meta?.namespace);
  const logical = ns ? `${ns}/${name}` : name;
  into.resources.push({ urn: `urn:pulumi:offline::manifests::${type}::${logical}`, type, name, props: obj, file });
}

/** Makes URNs unique (the same object in two files) so each violation maps back to its own file. */
export function uniqueUrns(resources: ManifestResource[]): ManifestResource[] {
  const seen = new Map<string, number>();
  for (const r of resources) {
    const n = (seen.get(r.urn) ?? 0) + 1;
    seen.set(r.urn, n);
    if (n > 1) r.urn = `${r.urn}#${n}`;
  }
  return resources;
}
