import { letter } from './document';
import type { GpSummaryContent } from './schema';

const PAGE = { width: 595.28, height: 841.89, margin: 56 } as const; // A4 in points
const SIZES = { title: 16, heading: 12, body: 10 } as const;

/**
 * The standard PDF fonts cover Windows-1252 only: letters with accents are kept where that
 * encoding has them (é, ö), others lose their accent (ł → l is not covered: it becomes "?"),
 * so a name never makes the letter fail. Embedding a Unicode TrueType font would need fontkit.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else {
      const stripped = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(stripped) ? stripped : '?';
    }
  }
  return out;
}

/** The letter as a PDF (A4, Helvetica), drawn with pdf-lib; loaded only when a PDF is asked for. */
export async function letterPdf(content: GpSummaryContent): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  doc.setTitle(printable(letter(content).title));
  doc.setCreator('Waymark');
  doc.setCreationDate(new Date(content.preparedAt));
  doc.setModificationDate(new Date(content.preparedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin;
  const maxWidth = PAGE.width - 2 * PAGE.margin;

  const write = (text: string, font: typeof regular, size: number, gapAfter: number) => {
    for (const line of wrap(printable(text), (s) => font.widthOfTextAtSize(s, size), maxWidth)) {
      if (y - size < PAGE.margin) {
        page = doc.addPage([PAGE.width, PAGE.height]);
        y = PAGE.height - PAGE.margin;
      }
      page.drawText(line, { x: PAGE.margin, y: y - size, size, font });
      y -= size * 1.35;
    }
    y -= gapAfter;
  };

  const { title, sections } = letter(content);
  write(title, bold, SIZES.title, 6);
  write(`Prepared ${content.preparedAt.slice(0, 10)} by the social prescribing service.`, regular, SIZES.body, 10);
  for (const section of sections) {
    write(section.heading, bold, SIZES.heading, 2);
    for (const line of section.lines) write(line, regular, SIZES.body, 1);
    y -= 8;
  }
  return doc.save();
}

/** Greedy word wrap; a single word wider than the line is cut. */
export function wrap(text: string, width: (s: string) => number, max: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (width(candidate) <= max) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    let rest = word;
    while (width(rest) > max && rest.length > 1) {
      let cut = rest.length - 1;
      while (cut > 1 && width(rest.slice(0, cut)) > max) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines.length ? lines : [''];
}
