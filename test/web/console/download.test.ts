import { describe, expect, it } from 'vitest';
import { exportFilename, filenameFromContentDisposition } from '../../../web/console/lib/download';

const fallback = 'export.csv';

describe('the file name of a CSV download', () => {
  it('reads a quoted file name, as the API sends it', () => {
    expect(filenameFromContentDisposition('attachment; filename="waymark-attendance-2026-01-01-to-2026-11-23.csv"', fallback)).toBe(
      'waymark-attendance-2026-01-01-to-2026-11-23.csv',
    );
  });

  it('reads a bare file name and an RFC 5987 one (which wins)', () => {
    expect(filenameFromContentDisposition('attachment; filename=outcomes.csv', fallback)).toBe('outcomes.csv');
    expect(filenameFromContentDisposition(`attachment; filename="plain.csv"; filename*=UTF-8''caf%C3%A9%20report.csv`, fallback)).toBe('café report.csv');
    expect(filenameFromContentDisposition('attachment; FILENAME="Upper.csv"', fallback)).toBe('Upper.csv');
  });

  it('refuses paths and odd characters, falling back when nothing is left', () => {
    expect(filenameFromContentDisposition('attachment; filename="../../etc/passwd"', fallback)).toBe('passwd');
    expect(filenameFromContentDisposition('attachment; filename="a:b*c?.csv"', fallback)).toBe('abc.csv');
    expect(filenameFromContentDisposition('attachment; filename=".."', fallback)).toBe(fallback);
    expect(filenameFromContentDisposition('attachment', fallback)).toBe(fallback);
    expect(filenameFromContentDisposition(null, fallback)).toBe(fallback);
    expect(filenameFromContentDisposition(`attachment; filename*=UTF-8''%E0%A4%A`, fallback)).toBe(fallback);
  });

  it('names an export after its period when the server gives no name', () => {
    expect(exportFilename('outcomes', '2026-09-01', '2026-11-23')).toBe('waymark-outcomes-2026-09-01-to-2026-11-23.csv');
  });
});
