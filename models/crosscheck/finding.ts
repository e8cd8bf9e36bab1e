// What every cross-check returns: the object at fault, what is wrong, and how to fix it, so
// a failing test or report line names both (issue 8: "a mismatch fails with the object and the fix").
export interface Finding {
  /** Which cross-check found it (identity, url, ingress-backend, netpol-listener, scrape). */
  check: string;
  /** The object at fault: `Kind/namespace/name` for Kubernetes objects, the Pulumi name for AWS ones. */
  object: string;
  problem: string;
  fix: string;
}

export const formatFinding = (f: Finding): string => `[${f.check}] ${f.object}: ${f.problem} Fix: ${f.fix}`;
