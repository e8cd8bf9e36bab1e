// A file's YAML stream read in chunks of whole documents. js-yaml parses a whole stream into one event
// array: at 10,000 objects that is 1.6M event objects alive at once, which the young-generation GC copies
// and promotes before the objects are built. Read chunk by chunk (about 64 KiB of text, cut before a
// `---` marker at column 0), each chunk's events die young, and the same parse costs less than js-yaml's
// own loadAll (measured by `npm run bench`).
//
// Cutting there is exact: a `---` at column 0 followed by a space, a tab, a line break or the end is a
// document marker wherever it stands (YAML 1.2 c-forbidden; js-yaml tests for it in every scalar and
// ends block collections at column 0), and documents share no parser state but directives. A stream
// with a `%` directive line is read whole (a cut before its `---` would leave the directive at the end of
// the previous chunk, which js-yaml refuses), and so is any stream a chunk of which fails to parse: the
// whole read then raises js-yaml's exact error, at its position in the file. test/policies/yaml-stream.spec.ts checks chunked against whole
// reads (values, document numbers, lines, errors) on the conformance fixtures and on cut-prone streams.
// upstream: nodeca/js-yaml src/parser (readDocument, testDocumentSeparator); YAML 1.2.2 §9.1.4 (c-forbidden)
import { Event, parseEvents, Schema, YAMLException } from "js-yaml";
import { constructFromCopy } from "./yaml-construct";
import { LineIndex, YamlLines } from "./yaml-lines";

/** One document of a file, as the event stream delimits it. */
export interface YamlDocument {
  /** 0-based index of the document in its file (`---`-separated, empty documents counted). */
  index: number;
  /** Index of the document's root node event in its chunk's event stream. */
  root: number;
  /** Field lines of the chunk holding the document. */
  lines: YamlLines;
}

export interface LoadOptions {
  schema: Schema;
  filename?: string;
  /** Chunk size in characters (tests cut at every marker with 1). */
  chunkSize?: number;
}

export interface LoadedStream {
  /** One value per document, as js-yaml's loadAll returns them. */
  values: unknown[];
  docs: YamlDocument[];
  /** How many chunks were read (1: the stream was read whole). */
  chunks: number;
}

export const CHUNK_SIZE = 64 * 1024;
const MARKER = /^---(?=[ \t\r\n]|$)/gm;
/** A `%` at the start of a line (YAML's line breaks are LF and CR): a directive, or a line that may be one. */
const hasDirective = (text: string) => text.startsWith("%") || text.includes("\n%") || text.includes("\r%");

/** Parses a whole YAML stream: its documents' values, and their field lines. YAMLException as js-yaml raises it. */
export function loadStream(text: string, options: LoadOptions): LoadedStream {
  const size = Math.max(1, options.chunkSize ?? CHUNK_SIZE);
  const index = new LineIndex(text);
  if (text.length > size && !hasDirective(text)) {
    try {
      return loadChunks(text, index, options, size);
    } catch (e) {
      if (!(e instanceof YAMLException)) throw e;
      // read it whole below: that raises js-yaml's own error, with its position in the file
    }
  }
  const out: LoadedStream = { values: [], docs: [], chunks: 1 };
  addChunk(out, text, 0, index, options);
  return out;
}

function loadChunks(text: string, index: LineIndex, options: LoadOptions, size: number): LoadedStream {
  const out: LoadedStream = { values: [], docs: [], chunks: 0 };
  for (let start = 0; start < text.length; ) {
    let end = text.length;
    if (text.length - start > size) {
      MARKER.lastIndex = start + size;
      const m = MARKER.exec(text);
      if (m) end = m.index;
    }
    addChunk(out, text.slice(start, end), start, index, options);
    out.chunks++;
    start = end;
  }
  return out;
}

function addChunk(out: LoadedStream, chunk: string, base: number, index: LineIndex, options: LoadOptions): void {
  const events: Event[] = parseEvents(chunk, { filename: options.filename });
  const lines = new YamlLines(index, events, base);
  const values = constructFromCopy(lines, events, { source: chunk, filename: options.filename, schema: options.schema });
  if (values.length !== lines.documents.length) throw new Error(`internal: ${values.length} values for ${lines.documents.length} documents`);
  for (let i = 0; i < values.length; i++) {
    out.values.push(values[i]);
    out.docs.push({ index: out.docs.length, root: lines.documents[i], lines });
  }
}
