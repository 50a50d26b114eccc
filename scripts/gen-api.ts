// `npm run gen:api`: write the web app's API types from the server's OpenAPI document, built in this process.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateClientSchema, SCHEMA_FILE } from "./api-client.ts";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
writeFileSync(join(root, SCHEMA_FILE), await generateClientSchema());
console.log(`wrote ${SCHEMA_FILE}`);
