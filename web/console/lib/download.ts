/**
 * The file name a download should be saved under, from its Content-Disposition header:
 * `filename*=UTF-8''…` (RFC 5987) first, then `filename="…"` or a bare `filename=…`. Path parts
 * and characters a file system would refuse are removed.
 */
export function filenameFromContentDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2]) {
    try {
      name = decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
    if (quoted?.[1] !== undefined) name = quoted[1].replace(/\\(.)/g, '$1');
  }
  if (!name) {
    const bare = /filename\s*=\s*([^;\s]+)/i.exec(header);
    if (bare?.[1]) name = bare[1];
  }
  const safe = name
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/[\u0000-\u001f<>:"|?*]/g, '')
    .trim();
  return safe && safe !== '.' && safe !== '..' ? safe : fallback;
}

/** A fallback name for an export, e.g. `waymark-attendance-2026-09-01-to-2026-11-23.csv`. */
export function exportFilename(kind: 'attendance' | 'outcomes', from: string, to: string): string {
  return `waymark-${kind}-${from}-to-${to}.csv`;
}
