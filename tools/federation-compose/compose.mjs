// Compose subgraph SDL files into a supergraph, as a Hive Gateway / Apollo Router setup would.
// Usage: node compose.mjs name=path.graphql [name=path.graphql ...]
// Prints the supergraph SDL; on composition errors prints them and exits 1.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

const services = process.argv.slice(2).map((arg) => {
  const [name, path] = arg.split("=");
  if (!name || !path) {
    console.error(`expected name=path.graphql, got ${arg}`);
    process.exit(2);
  }
  return { name, typeDefs: parse(readFileSync(path, "utf8")) };
});
const result = composeServices(services);
if (compositionHasErrors(result)) {
  for (const error of result.errors) console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
