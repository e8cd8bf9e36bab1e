// Operator credentials (Argo CD's and Grafana's admin passwords) live in AWS Secrets Manager,
// not in stack outputs: a StackReference hands every reader all outputs, secret ones included
// (getOutputDetails().secretValue), so app repos that read the contract would read them too.
// The stack publishes only each secret's ARN; operators read the value with
// `aws secretsmanager get-secret-value --secret-id <arn>`, which IAM controls per principal.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AdminCredentialsArgs {
  clusterName: string;
  /** Service name -> its admin password (secret). */
  passwords: Record<string, pulumi.Input<string>>;
  /** Keep the secrets 30 days after a delete (prod) instead of 7. */
  protect: boolean;
}

export class AdminCredentials extends pulumi.ComponentResource {
  /** Service name -> the Secrets Manager ARN that holds its admin password. */
  public readonly arns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: AdminCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:secrets:AdminCredentials", name, {}, opts);
    this.arns = {};
    for (const [service, password] of Object.entries(args.passwords)) {
      const secret = new aws.secretsmanager.Secret(`${name}-${service}`, {
        name: `${args.clusterName}/${service}/admin`,
        description: `${service} admin login of ${args.clusterName} (user admin); operators only`,
        recoveryWindowInDays: args.protect ? 30 : 7,
      }, { parent: this, protect: args.protect, retainOnDelete: args.protect });
      new aws.secretsmanager.SecretVersion(`${name}-${service}`, {
        secretId: secret.id,
        secretString: pulumi.secret(pulumi.jsonStringify({ username: "admin", password })),
      }, { parent: this });
      this.arns[service] = secret.arn;
    }
    this.registerOutputs({ arns: this.arns });
  }
}
