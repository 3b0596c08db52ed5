// Renders static/icon.svg to the PNG icons the manifest lists (icon-192.png, icon-512.png),
// with the Chromium that playwright-core drives. Run after changing the SVG:
//   node web/scan/make-icons.mjs [path-to-chromium]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const staticDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');
const svg = readFileSync(path.join(staticDir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.argv[2] ?? '/usr/bin/chromium' });
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`);
    await page.screenshot({ path: path.join(staticDir, `icon-${size}.png`), clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
  }
} finally {
  await browser.close();
}
