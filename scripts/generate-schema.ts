/** `npm run docs:schema`: regenerates docs/hookflow.schema.json from the document's zod schemas. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentJsonSchemaText } from '../lib/server/flows-as-code/document';

const file = path.resolve(import.meta.dirname, '..', 'docs', 'hookflow.schema.json');
writeFileSync(file, documentJsonSchemaText());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
