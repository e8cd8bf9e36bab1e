// The cross-checks only rendered objects allow (issue 8, item 4), run together over one
// stack: the program's and the charts' objects (models/objects.ts, models/render.ts) plus the
// harness run's AWS resources and chart values.
import type { RunResult } from "../../tools/harness";
import { ClusterObject } from "../objects";
import { ClusterIndex, buildIndex } from "./cluster-index";
import { Finding } from "./finding";
import { checkIdentity } from "./identity";
import { checkIngressBackends } from "./ingress-backends";
import { checkPolicyListeners } from "./netpol-listeners";
import { checkReachability } from "./reachability";
import { checkScraping } from "./scrape";
import { checkUrls } from "./urls";

export type { Finding } from "./finding";
export { formatFinding } from "./finding";

export interface CrossCheck {
  name: string;
  run: (run: RunResult, idx: ClusterIndex) => Finding[];
}

export const CROSS_CHECKS: CrossCheck[] = [
  { name: "identity", run: checkIdentity },
  { name: "url", run: checkUrls },
  { name: "ingress-backend", run: (_r, idx) => checkIngressBackends(idx) },
  { name: "netpol-listener", run: (_r, idx) => checkPolicyListeners(idx) },
  { name: "scrape", run: checkScraping },
  { name: "reachability", run: checkReachability },
];

export function crossCheck(run: RunResult, objects: ClusterObject[]): Finding[] {
  const idx = buildIndex(objects);
  return CROSS_CHECKS.flatMap((c) => c.run(run, idx));
}
