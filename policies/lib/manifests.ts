// Reads Kubernetes manifests (multi-document YAML, `List` kinds) into engine resources.
import * as fs from "fs";
import * as path from "path";
import { Schema, timestampTag, YAML11_SCHEMA, YAMLException } from "js-yaml";
import { k8sTypeToken } from "./tokens";
import { loadStream, YamlDocument } from "./yaml-stream";
import { asObject, asString } from "./util";

export interface ManifestResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, any>;
  file: string;
  /** 0-based index of the object's document in its file. */
  document: number;
  /** 1-based line where the object's document starts. */
  line: number;
  /** 1-based line of a field path inside the object (its deepest existing parent if missing). */
  lineOf?: (path: string) => number;
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

// YAML 1.1 as Kubernetes reads it (sigs.k8s.io/yaml over go-yaml v2): `yes`/`on`/`y` are booleans, `0755`
// is octal, `1_000` an int; timestamps stay strings (go-yaml hands them to an interface{} as strings).
export const K8S_YAML_SCHEMA = new Schema(YAML11_SCHEMA.tags.filter((t) => t !== timestampTag));

/**
 * Parses a whole file once, in chunks of whole documents (policies/lib/yaml-stream.ts): js-yaml's event
 * stream, then its objects (plain documents built by policies/lib/yaml-construct.ts, the rest by js-yaml's
 * constructor), and each document's field lines from the same events.
 */
function loadFile(text: string, file: string): { values: unknown[]; docs: YamlDocument[] } {
  try {
    return loadStream(text, { filename: file, schema: K8S_YAML_SCHEMA });
  } catch (e) {
    const ex = e as YAMLException;
    if (!(ex instanceof YAMLException)) throw e;
    const at = ex.mark ? ex.mark.position : 0;
    const line = ex.mark ? `line ${ex.mark.line + 1}: ` : "";
    throw new InputError(file, documentAt(text, at), `invalid YAML: ${line}${(ex.reason ?? ex.message).split("\n")[0]}`);
  }
}

const MARKER = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/** 1-based number of the document holding `offset`, for error messages (markers at column 0 are exact). */
function documentAt(text: string, offset: number): number {
  const hasContent = (from: number, to: number) => /^[ \t]*[^\s#%]/m.test(before.slice(from, to));
  const before = text.slice(0, offset);
  let n = 1;
  let open = false; // a document has started and not ended with `...`
  let pos = 0;
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(before); m; m = MARKER.exec(before)) {
    const started = open || hasContent(pos, m.index);
    if (m[1] === "---" && started) n++;
    else if (m[1] === "..." && started) n++; // the next document, if any, is a new one
    open = m[1] === "---";
    pos = m.index + 3;
  }
  return n;
}

/** Parses one file's text. Syntax errors and non-mapping documents throw InputError naming the file and document. */
export function parseManifestText(text: string, file: string, into: ParsedManifests = { resources: [], warnings: [] }): ParsedManifests {
  const label = file === "-" ? "<stdin>" : file;
  const { values, docs } = loadFile(text, label);
  values.forEach((value, i) => {
    const doc = docs[i];
    if (value === null || value === undefined) return; // empty document (`---` with comments only)
    if (!asObject(value)) throw new InputError(label, doc.index + 1, `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a sequence" : typeof value}`);
    addObject(value as Record<string, unknown>, label, doc.index + 1, into, 0, { doc, prefix: "" });
  });
  return into;
}

interface Source {
  doc: YamlDocument;
  /** Path of the object inside its document (`items[3].` for a List item). */
  prefix: string;
}

function addObject(obj: Record<string, unknown>, file: string, doc: number, into: ParsedManifests, depth: number, src: Source): void {
  const apiVersion = asString(obj.apiVersion);
  const kind = asString(obj.kind);
  if (kind && kind.endsWith("List") && Array.isArray(obj.items) && depth < 8) {
    obj.items.forEach((item, j) => {
      const o = asObject(item);
      if (!o) throw new InputError(file, doc, `items[${j}] of the ${kind} is not a mapping`);
      addObject(o, file, doc, into, depth + 1, { ...src, prefix: `${src.prefix}items[${j}].` });
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
  // Field lines are found only for objects with a violation, by walking the file's events.
  const { lines, root } = src.doc;
  const lineOf = (path: string) => lines.lineOf(root, src.prefix + path);
  const line = src.prefix ? lineOf(src.prefix.slice(0, -1)) : lines.lineOf(root, "");
  const r: ManifestResource = { urn: `urn:pulumi:offline::manifests::${type}::${logical}`, type, name, props: obj, file, document: src.doc.index, line };
  Object.defineProperty(r, "lineOf", { value: lineOf, enumerable: false });
  into.resources.push(r);
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
