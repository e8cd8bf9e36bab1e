// YAML as Kubernetes reads it. The API machinery decodes manifests with sigs.k8s.io/yaml,
// which is go-yaml v2: YAML 1.1 scalars, so `yes`/`on` are booleans and `0755` is octal
// (go-yaml v2 resolve.go). js-yaml is the fastest well-kept JavaScript parser, but its
// default schema is YAML 1.2 core; this schema swaps in 1.1's booleans and octals.
import * as jsyaml from "js-yaml";

const BOOL_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const BOOL_FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);

interface TaggedType { tag: string; resolve(d: string): boolean; construct(d: string): unknown }
const coreImplicit = (jsyaml.CORE_SCHEMA as unknown as { compiledImplicit: TaggedType[] }).compiledImplicit;
const coreOf = (tag: string) => coreImplicit.filter((t) => t.tag === `tag:yaml.org,2002:${tag}`);
const coreInt = coreOf("int")[0];

const bool11 = new jsyaml.Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (d: string | null) => d !== null && (BOOL_TRUE.has(d) || BOOL_FALSE.has(d)),
  construct: (d: string) => BOOL_TRUE.has(d),
  predicate: (o: unknown) => typeof o === "boolean",
  represent: { lowercase: (o: object) => (o ? "true" : "false") },
  defaultStyle: "lowercase",
});

// 1.1 octal: a leading 0 followed by octal digits (go-yaml v2 also reads 0o and 0x, as js-yaml does).
const OCTAL11 = /^[-+]?0[0-7_]+$/;
const int11 = new jsyaml.Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (d: string | null) => d !== null && (OCTAL11.test(d) || coreInt.resolve(d)),
  construct: (d: string) => {
    if (OCTAL11.test(d)) {
      const sign = d.startsWith("-") ? -1 : 1;
      return sign * parseInt(d.replace(/^[-+]/, "").replace(/_/g, ""), 8);
    }
    return coreInt.construct(d);
  },
  predicate: (o: unknown) => typeof o === "number" && Number.isInteger(o),
  represent: { decimal: (o: object) => String(o) },
  defaultStyle: "decimal",
});

/** YAML 1.1 scalars over the core schema's null and float resolvers. */
export const YAML11_SCHEMA = new jsyaml.Schema({
  implicit: [...(coreOf("null") as unknown as jsyaml.Type[]), bool11, int11, ...(coreOf("float") as unknown as jsyaml.Type[])],
  explicit: (jsyaml.CORE_SCHEMA as unknown as { compiledExplicit: jsyaml.Type[] }).compiledExplicit,
});

/** Every document of a multi-document stream, YAML 1.1 semantics; empty documents dropped. */
export function loadAllYaml11(text: string, filename = "<input>"): unknown[] {
  return jsyaml.loadAll(text, undefined, { schema: YAML11_SCHEMA, filename }).filter((d) => d !== null && d !== undefined);
}
