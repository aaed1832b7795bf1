// Compose subgraphs with Apollo's own composition (npm @apollo/composition), as a router would.
// Usage: node compose.mjs NAME=FILE.graphql [NAME=FILE.graphql ...]
// Prints one JSON line: {"errors": [...], "hints": [...], "supergraphSdl": "..." | null}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.NODE_PATH + "/");
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

const services = process.argv.slice(2).map((arg) => {
  const [name, file] = arg.split("=");
  return { name, url: `http://${name}.invalid/graphql`, typeDefs: parse(readFileSync(file, "utf8")) };
});
const result = composeServices(services);
console.log(JSON.stringify({
  errors: (result.errors || []).map((e) => e.message),
  hints: (result.hints || []).map((h) => h.message),
  supergraphSdl: result.supergraphSdl || null,
}));
