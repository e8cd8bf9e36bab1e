// Pulumi's entry point (Pulumi.yaml main: infra/): the stack outputs are main()'s result.
import { main } from "./app";

export = main();
