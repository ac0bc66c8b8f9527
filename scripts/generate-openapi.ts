/** `npm run docs:openapi`: regenerates docs/openapi.json (OpenAPI 3.1) from the API's zod schemas. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiText } from '../lib/server/api/openapi';

const file = path.resolve(import.meta.dirname, '..', 'docs', 'openapi.json');
writeFileSync(file, openApiText());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
