/**
 * `npm run docs:schema`: regenerates docs/hookflow.schema.json from the document's zod schemas, and
 * docs/nexus.schema.json (the `hookflow` Nexus service's operations) from the service's.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentJsonSchemaText } from '../lib/server/flows-as-code/document';
import { nexusJsonSchemaText } from '../lib/domain/nexus/schemas';

for (const [name, text] of [['hookflow.schema.json', documentJsonSchemaText()], ['nexus.schema.json', nexusJsonSchemaText()]] as const) {
  const file = path.resolve(import.meta.dirname, '..', 'docs', name);
  writeFileSync(file, text);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}
