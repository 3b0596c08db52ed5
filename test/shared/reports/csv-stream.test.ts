import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '#shared/platform/logger';
import { csvStream, EXPORT_FAILED_MARKER } from '#shared/reports/exports';
import { ReportService } from '#shared/reports/service';

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

  it('a failure of the CSV writing itself (a value it cannot write) ends the file the same way: the stream never errors', async () => {
    async function* rows() {
      yield { a: 1, b: 'x' };
      yield { a: 2, b: Symbol('not a cell') as unknown as string };
      yield { a: 3, b: 'z' };
    }
    const onError = vi.fn();
    const csv = await text(await csvStream(columns, rows(), onError));
    expect(csv).toBe(`a,b\n1,x\n${EXPORT_FAILED_MARKER},\n`);
    expect(onError).toHaveBeenCalledOnce();
  });

  it('with bom, the bytes start with the UTF-8 byte-order mark (EF BB BF) and the text survives; without, they do not', async () => {
    async function* rows() {
      yield { a: 1, b: 'Café Ōtautahi' };
    }
    const bytes = async (options?: { bom?: boolean }) => new Uint8Array(await new Response(await csvStream(columns, rows(), () => {}, options)).arrayBuffer());
    const withBom = await bytes({ bom: true });
    expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(withBom)).toBe('\uFEFFa,b\n1,Café Ōtautahi\n');
    for (const plain of [await bytes(), await bytes({ bom: false })]) {
      expect(plain[0]).toBe('a'.charCodeAt(0));
      expect(new TextDecoder().decode(plain)).toBe('a,b\n1,Café Ōtautahi\n');
    }
  });

  it('with bom, an empty export is the mark and the header', async () => {
    // eslint-disable-next-line require-yield
    async function* rows(): AsyncGenerator<{ a: number; b: string }> {}
    // (Response.text() would drop the mark, as any UTF-8 decoder does by default.)
    const csv = await new Response(await csvStream(columns, rows(), () => {}, { bom: true })).arrayBuffer();
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv)).toBe('\uFEFFa,b\n');
  });

  it.each([
    ['the rows fail', new Error('ValidationException')],
    ['the CSV writing fails', Symbol('not a cell')],
  ])('with bom, a failure part way (%s) still ends the file with the marker row', async (_, failure) => {
    async function* rows() {
      yield { a: 1, b: 'x' };
      if (failure instanceof Error) throw failure;
      yield { a: 2, b: failure as unknown as string };
    }
    const onError = vi.fn();
    const csv = await new Response(await csvStream(columns, rows(), onError, { bom: true })).arrayBuffer();
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv)).toBe(`\uFEFFa,b\n1,x\n${EXPORT_FAILED_MARKER},\n`);
    expect(onError).toHaveBeenCalledOnce();
  });

  it('a client that goes away stops the rows being read', async () => {
    let closed = false;
    async function* rows() {
      try {
        for (let i = 0; ; i++) yield { a: i, b: 'x'.repeat(100) };
      } finally {
        closed = true;
      }
    }
    const stream = await csvStream(columns, rows(), () => {});
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(() => expect(closed).toBe(true));
  });
});

describe('a CSV export that fails part way, served as local mode serves it', () => {
  const spies: { mockRestore(): void }[] = [];
  afterEach(() => spies.splice(0).forEach((spy) => spy.mockRestore()));

  /** Everything printed while `run` runs, through console or straight to stdout and stderr. */
  async function printed(run: () => Promise<void>) {
    const out: string[] = [];
    const capture = (chunk: unknown) => {
      out.push(String(chunk));
      return true;
    };
    spies.push(vi.spyOn(process.stdout, 'write').mockImplementation(capture));
    spies.push(vi.spyOn(process.stderr, 'write').mockImplementation(capture));
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' '))));
    }
    try {
      await run();
    } finally {
      spies.splice(0).forEach((spy) => spy.mockRestore());
    }
    return out.join('');
  }

  /** Serves one response through @hono/node-server (local mode's adapter) and reads it whole. */
  async function overHttp(respond: () => Promise<Response>) {
    const server = serve({ fetch: respond, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return { status: res.status, body: await res.text() };
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('prints no stack and puts no error text in the file (the adapter would print one for a stream that errors)', async () => {
    async function* rows() {
      yield { a: 1, b: 'x' };
      yield { a: 2, b: Symbol('not a cell') as unknown as string };
    }
    let answer: { status: number; body: string } | undefined;
    const output = await printed(async () => {
      answer = await overHttp(async () => new Response(await csvStream(columns, rows(), () => {}), { headers: { 'content-type': 'text/csv' } }));
    });
    expect(answer).toEqual({ status: 200, body: `a,b\n1,x\n${EXPORT_FAILED_MARKER},\n` });
    expect(output).toBe('');
  });

  it('the export logs one structured line through the logger: the error name and a short message, no data, no stack', async () => {
    const patientId = '01JPATIENT0000000000000000';
    const day = { providerId: 'P1', venueId: 'V1', day: '2027-01-04', place: 'A1', activityId: 'A1', activityName: 'Walk', category: 'physical', patients: new Set([patientId]) };
    const failure = Object.assign(new Error('The provided key element does not match the schema'), { name: 'ValidationException' });
    const service = new ReportService({
      reports: {
        async *attendanceDays() {
          yield [day];
          throw failure;
        },
        demographics: async () => new Map([[patientId, { dateOfBirth: '1960-02-03', postcode: 'LU1 1AA' }]]),
      } as never,
      registry: { allProviders: async () => [{ providerId: 'P1', name: 'Walkers' }] } as never,
      clock: { now: () => new Date('2027-02-01T09:00:00Z') } as never,
      logger: createLogger({ level: 'INFO' }),
      pseudonymKey: async () => ({ programmeId: 'test', secret: 'secret' }),
    });
    let csv = '';
    const output = await printed(async () => {
      const outcome = await service.attendanceExport({ from: '2027-01-01', to: '2027-01-31' });
      if (outcome.kind !== 'csv') throw new Error(outcome.kind);
      csv = await text(outcome.body);
    });
    expect(csv.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${EXPORT_FAILED_MARKER}`));
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'ERROR', message: 'export failed', kind: 'attendance', name: 'ValidationException', errorMessage: failure.message });
    expect(lines[0]).not.toMatch(/stack|\bat |LU1|1960|01JPATIENT|Walkers/);
  });
});

