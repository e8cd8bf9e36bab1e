// What app repos use to read the platform: a typed view of the platform stack's outputs
// through pulumi.StackReference. Every value waits for the contract-version check, missing
// outputs fail with the output's name and the fix, and secret outputs stay secret.
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_VERSION, ContractKey, PlatformContract, TeamContract, isCompatible } from "./contract";

export * from "./contract";

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractError";
  }
}

export interface PlatformReferenceArgs {
  /** The platform stack, fully qualified: "<org>/platform/<env>". */
  stack: pulumi.Input<string>;
  /** The contract version this app was written against (default: this module's). */
  contractVersion?: string;
}

/** A read-only, typed handle on the platform stack. */
export class PlatformReference {
  public readonly stack: pulumi.StackReference;
  private readonly ready: pulumi.Output<true>;
  private readonly stackName: pulumi.Output<string>;

  constructor(name: string, args: PlatformReferenceArgs, opts?: pulumi.CustomResourceOptions) {
    const wanted = args.contractVersion ?? CONTRACT_VERSION;
    this.stack = new pulumi.StackReference(name, { name: args.stack }, opts);
    this.stackName = pulumi.output(args.stack);
    // The check reads only output names and the version string: no secret passes through
    // it, so it is unsecreted and does not make every value it gates secret.
    this.ready = pulumi.unsecret(
      pulumi.all([this.stack.outputs, this.stackName]).apply(([outputs, stack]) => {
        const published = outputs.contractVersion;
        if (published === undefined) {
          throw new ContractError(`platform stack ${stack} publishes no contractVersion output. Fix: point at a platform stack deployed from this platform program (pulumi up there first).`);
        }
        if (!isCompatible(String(published), wanted)) {
          throw new ContractError(
            `platform stack ${stack} publishes contract ${String(published)}, this app reads contract ${wanted}. Fix: ${
              Number(String(published).split(".")[0]) > Number(wanted.split(".")[0])
                ? "upgrade the contract module in this app repo and adapt to its changes"
                : "upgrade the platform stack, or pin this app to the contract version it publishes"
            }.`,
          );
        }
        return true as const;
      }),
    );
  }

  /** One contract output, after the version check; secret if the platform marks it so. */
  public output<K extends ContractKey>(key: K): pulumi.Output<PlatformContract[K]> {
    const present = pulumi.unsecret(
      pulumi.all([this.ready, this.stack.outputs, this.stackName]).apply(([, outputs, stack]) => {
        if (!(key in outputs)) {
          throw new ContractError(`platform stack ${stack} has no output "${key}", which contract ${CONTRACT_VERSION} promises. Fix: pulumi up the platform stack to a version that publishes it.`);
        }
        return true;
      }),
    );
    // getOutput only after the presence check: requireOutput's own error would win the race
    // and name no fix. Secretness comes from the output itself.
    return present.apply(() => this.stack.getOutput(key)) as pulumi.Output<PlatformContract[K]>;
  }

  /** A team's namespace, AppProject and ECR repositories; fails clearly if the team is not onboarded. */
  public team(name: string): pulumi.Output<TeamContract> {
    return pulumi.all([this.output("teams"), this.stackName]).apply(([teams, stack]) => {
      const team = teams?.[name];
      if (!team) {
        const known = Object.keys(teams ?? {}).sort();
        throw new ContractError(`team "${name}" is not onboarded on platform stack ${stack} (onboarded: ${known.join(", ") || "none"}). Fix: add it to platform:teams in the platform's stack config.`);
      }
      return team;
    });
  }

  public get clusterName() {
    return this.output("clusterName");
  }
  public get kubeconfig() {
    return this.output("kubeconfig");
  }
  public get ingressClass() {
    return this.output("ingressClass");
  }
  public get clusterIssuers() {
    return this.output("clusterIssuers");
  }
  public get otlpGrpcEndpoint() {
    return this.output("otlpGrpcEndpoint");
  }
  public get otlpHttpEndpoint() {
    return this.output("otlpHttpEndpoint");
  }
}
