import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../web/api-types';

describe('the web apps’ API types', () => {
  it('match the OpenAPI document the server serves (run `npm run api:types` after changing the API)', async () => {
    const fresh = await generateApiTypes();
    expect(fresh).toContain('"/v1/scans/batch"');
    expect(readFileSync(API_TYPES_FILE, 'utf8') === fresh, 'web/shared/openapi.d.ts is stale: run npm run api:types').toBe(true);
  });
});
