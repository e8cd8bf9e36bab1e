import { T } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { asArray, asObject, asString, globMatch, known, readKnown, UNKNOWN } from "../../lib/util";

const SCANNING = new Set(["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]);

export const ecrScanOnPush = stackRule("aws", {
  name: "aws-ecr-scan-on-push",
  item: "Checklist 6: images scanned for CVEs",
  summary:
    "Every ECR repository scans images on push (imageScanningConfiguration.scanOnPush) or is covered by a registry scanning rule (RegistryScanningConfiguration with SCAN_ON_PUSH or CONTINUOUS_SCAN and a filter matching the repository name).",
  fix: "set imageScanningConfiguration: {scanOnPush: true} on the repository, or add a RegistryScanningConfiguration rule whose filter matches it",
  check(ctx) {
    const filters: string[] = [];
    const repos: { urn: string; name: string; props: unknown }[] = [];
    for (const r of ctx.resources) {
      if (r?.type === T.ecrRegistryScanning) {
        const rules = known(() => asArray(asObject(r.props)?.rules)) ?? [];
        for (const rule of rules) {
          const o = asObject(rule);
          if (!o || !SCANNING.has(asString(o.scanFrequency) ?? "")) continue;
          for (const f of asArray(o.repositoryFilters)) {
            const filter = asString(asObject(f)?.filter);
            if (filter) filters.push(filter);
          }
        }
      } else if (r?.type === T.ecrRepository) {
        repos.push({ urn: r.urn, name: known(() => asString(asObject(r.props)?.name)) ?? r.name, props: r.props });
      }
    }
    for (const repo of repos) {
      const scan = readKnown(() => asObject(asObject(repo.props)?.imageScanningConfiguration)?.scanOnPush);
      if (scan === true || scan === UNKNOWN) continue; // unknown during preview: checked on the real run
      if (filters.some((f) => globMatch(f, repo.name))) continue;
      ctx.report(repo.urn, "imageScanningConfiguration.scanOnPush", `repository "${repo.name}" is not scanned on push and no registry scanning rule covers it`);
    }
  },
});
