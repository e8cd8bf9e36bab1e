// Entry point for `pulumi up` (Pulumi.yaml main: infra/). The architecture lives in
// platform.ts; a config problem surfaces as a RunError: the report, no stack trace.
import { platform } from "./platform";

export = platform();
