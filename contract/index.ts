// What app repos use to read the platform: a typed view of the platform stack's outputs
// through pulumi.StackReference. Every value waits for the contract-version check, missing
// outputs fail with the output's name and the fix, and secret outputs stay secret.
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_VERSION, ContractKey, PlatformContract, TeamContract, hostInDomain, isCompatible } from "./contract";

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

/**
 * A read-only, typed handle on the platform stack. Prefer `await PlatformReference.open(...)`:
 * it resolves only once the platform's contract version is compatible, so an app registers
 * nothing (not even its Kubernetes provider) against a platform it cannot read.
 */
export class PlatformReference {
  public readonly stack: pulumi.StackReference;
  /** Settles with the version check: resolves when compatible, rejects with a ContractError. */
  public readonly checked: Promise<void>;
  private readonly ready: pulumi.Output<true>;
  private readonly stackName: pulumi.Output<string>;

  /** Reads the platform stack and waits for the version check before handing out the handle. */
  public static async open(name: string, args: PlatformReferenceArgs, opts?: pulumi.CustomResourceOptions): Promise<PlatformReference> {
    const ref = new PlatformReference(name, args, opts);
    await ref.checked;
    return ref;
  }

  constructor(name: string, args: PlatformReferenceArgs, opts?: pulumi.CustomResourceOptions) {
    const wanted = args.contractVersion ?? CONTRACT_VERSION;
    this.stack = new pulumi.StackReference(name, { name: args.stack }, opts);
    this.stackName = pulumi.output(args.stack);
    // The check reads only output names and the version string: no secret passes through
    // it. It settles a plain promise, so `open` can await it before anything is registered.
    this.checked = new Promise<void>((resolve, reject) => {
      pulumi.all([this.stack.outputs, this.stackName]).apply(([outputs, stack]) => {
        try {
          checkVersion(outputs.contractVersion, wanted, stack);
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
    this.ready = pulumi.output(this.checked.then(() => true as const));
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

  /**
   * The Ingress host for a team: a bare label becomes `<label>.<team domain>`; a full name must
   * lie inside the team's domain, where external-dns publishes records and cert-manager issues
   * certificates (a host outside gets neither).
   */
  public host(teamName: string, hostOrLabel: string): pulumi.Output<string> {
    return pulumi.all([this.team(teamName), this.stackName]).apply(([team, stack]) => {
      const domain = team.domain;
      if (!domain) throw new ContractError(`platform stack ${stack} publishes no domain for team "${teamName}" (contract 1.1.0 added it). Fix: pulumi up the platform stack.`);
      const host = hostOrLabel.includes(".") ? hostOrLabel.toLowerCase() : `${hostOrLabel.toLowerCase()}.${domain}`;
      if (!hostInDomain(host, domain)) {
        throw new ContractError(`host "${host}" is outside team "${teamName}"'s domain ${domain}: external-dns would publish no record for it and cert-manager would issue no certificate. Fix: use a name under ${domain}, such as ${hostOrLabel.split(".")[0]}.${domain}.`);
      }
      return host;
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

/** Throws a ContractError unless the published version serves a consumer of `wanted`. */
function checkVersion(published: unknown, wanted: string, stack: string): void {
  if (published === undefined) {
    throw new ContractError(`platform stack ${stack} publishes no contractVersion output. Fix: point at a platform stack deployed from this platform program (pulumi up there first).`);
  }
  if (!isCompatible(String(published), wanted)) {
    const newerMajor = Number(String(published).split(".")[0]) > Number(wanted.split(".")[0]);
    throw new ContractError(
      `platform stack ${stack} publishes contract ${String(published)}, this app reads contract ${wanted}. Fix: ${
        newerMajor ? "upgrade the contract module in this app repo and adapt to its changes" : "upgrade the platform stack, or pin this app to the contract version it publishes"
      }.`,
    );
  }
}
