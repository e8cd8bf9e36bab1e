// Reads Kubernetes manifests (multi-document YAML, `List` kinds) into engine resources.
import * as fs from "fs";
import * as path from "path";
import { load, Schema, timestampTag, YAML11_SCHEMA, YAMLException } from "js-yaml";
import { Composer, LineCounter, Parser } from "yaml";
import { k8sTypeToken } from "./tokens";
import { documentLines } from "./yaml-lines";
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

/** One document of a file: its text span and where it starts. */
export interface YamlDocument {
  /** 0-based index of the document in its file (`---`-separated, empty documents counted). */
  index: number;
  start: number;
  end: number;
  /** 1-based line of the document's first content line. */
  line: number;
  /** 1-based line of `start` (the `---` marker's line, or the file's first line). */
  startLine: number;
  /** Line finder, made on the first violation in this document (List items share it). */
  lines?: (path: string) => number;
}

const MARKER = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
const CONTENT = /^[ \t]*[^\s#]/m;

/**
 * Splits a YAML stream at its document markers. `---`/`...` at column 0 can never be content (YAML 1.2
 * c-forbidden), so this split is exact; directives (`%YAML`) are left to the fallback parser.
 */
export function splitDocuments(text: string): YamlDocument[] {
  const docs: YamlDocument[] = [];
  let line = 1; // line of `pos`
  let pos = 0;
  let lastNl = 0;
  const countTo = (to: number) => {
    for (let i = text.indexOf("\n", lastNl); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) {
      line++;
      lastNl = i + 1;
    }
  };
  const push = (start: number, end: number, explicit: boolean) => {
    const body = text.slice(start, end);
    const m = CONTENT.exec(body);
    if (!m && !explicit) return;
    countTo(start);
    docs.push({ index: docs.length, start, end, startLine: line, line: m ? line + countNewlines(body, m.index) : line });
  };
  MARKER.lastIndex = 0;
  let explicit = false;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    push(pos, m.index, explicit);
    explicit = m[1] === "---";
    pos = m[1] === "---" ? m.index + 3 : text.indexOf("\n", m.index) + 1 || text.length;
  }
  push(pos, text.length, explicit);
  return docs;
}

function countNewlines(s: string, to: number): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Parses one document's text (YAML 1.1); undefined for an empty one. */
function loadDocument(text: string, file: string, doc: YamlDocument): unknown {
  try {
    return load(text.slice(doc.start, doc.end), { schema: K8S_YAML_SCHEMA, filename: file });
  } catch (e) {
    const ex = e as YAMLException;
    const at = ex.mark ? `line ${doc.startLine + ex.mark.line}: ` : "";
    if (/empty|no document/i.test(ex.reason ?? "")) return undefined;
    throw new InputError(file, doc.index + 1, `invalid YAML: ${at}${(ex.reason ?? ex.message).split("\n")[0]}`);
  }
}

/** The slow, exact path for streams with directives: the `yaml` package's YAML 1.1 composer. */
function slowDocuments(text: string): { doc: YamlDocument; value: unknown; error?: string }[] {
  const lc = new LineCounter();
  const composer = new Composer({ version: "1.1", prettyErrors: false });
  const out: { doc: YamlDocument; value: unknown; error?: string }[] = [];
  let i = 0;
  for (const d of composer.compose(new Parser(lc.addNewLine).parse(text))) {
    const [start, , end] = d.range;
    const contentsStart = d.contents?.range?.[0] ?? start;
    const doc: YamlDocument = { index: i++, start, end, line: lc.linePos(contentsStart).line, startLine: lc.linePos(start).line };
    if (d.errors.length > 0) out.push({ doc, value: undefined, error: d.errors[0].message.split("\n")[0] });
    else out.push({ doc, value: d.toJS({ maxAliasCount: 1000 }) });
  }
  return out;
}

/** Parses one file's text. Syntax errors and non-mapping documents throw InputError naming the file and document. */
export function parseManifestText(text: string, file: string, into: ParsedManifests = { resources: [], warnings: [] }): ParsedManifests {
  const label = file === "-" ? "<stdin>" : file;
  const add = (value: unknown, doc: YamlDocument) => {
    if (value === null || value === undefined) return; // empty document (`---` with comments only)
    if (!asObject(value)) throw new InputError(label, doc.index + 1, `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a sequence" : typeof value}`);
    addObject(value as Record<string, unknown>, label, doc.index + 1, into, 0, { text, doc, prefix: "" });
  };
  if (/^%/m.test(text)) {
    for (const { doc, value, error } of slowDocuments(text)) {
      if (error) throw new InputError(label, doc.index + 1, `invalid YAML: ${error}`);
      add(value, doc);
    }
    return into;
  }
  for (const doc of splitDocuments(text)) add(loadDocument(text, label, doc), doc);
  return into;
}

interface Source {
  text: string;
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
  // Field lines are found only for objects with a violation, from the document's own text.
  let finder: ((path: string) => number) | undefined;
  const lineOf = (path: string) => {
    finder ??= src.doc.lines ??= documentLines(src.text.slice(src.doc.start, src.doc.end));
    return src.doc.startLine + finder(src.prefix + path);
  };
  const line = src.prefix ? lineOf(src.prefix.slice(0, -1)) : src.doc.line;
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
