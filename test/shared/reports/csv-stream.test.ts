import { describe, expect, it, vi } from 'vitest';
import { csvStream, EXPORT_FAILED_MARKER } from '#shared/reports/exports';

const columns = ['a', 'b'] as const;

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe('csvStream', () => {
  it('streams a header and every row', async () => {
    async function* rows() {
      yield { a: 1, b: 'x' };
      yield { a: 2, b: 'y' };
    }
    expect(await text(await csvStream(columns, rows(), () => {}))).toBe('a,b\n1,x\n2,y\n');
  });

  it('a failure before the first row rejects, so the route answers an ordinary error', async () => {
    // eslint-disable-next-line require-yield
    async function* rows(): AsyncGenerator<{ a: number; b: string }> {
      throw new Error('database unavailable');
    }
    await expect(csvStream(columns, rows(), () => {})).rejects.toThrow('database unavailable');
  });

  it('a failure part way ends the file with a row saying it is incomplete, and reports the error', async () => {
    async function* rows() {
      yield { a: 1, b: 'x' };
      throw new Error('ValidationException');
    }
    const onError = vi.fn();
    const csv = await text(await csvStream(columns, rows(), onError));
    expect(csv).toBe(`a,b\n1,x\n${EXPORT_FAILED_MARKER},\n`);
    expect(onError).toHaveBeenCalledOnce();
  });
});
