import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocal, type LocalSystem } from '#local/server';

/** Debian's Chromium (CI installs it); the browser tests are skipped, saying so, where there is none. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** The whole local system on a free port with the demo data, in memory. */
export async function startSystem(): Promise<{ system: LocalSystem; url: string }> {
  const system = await startLocal({
    port: 0,
    hostname: '127.0.0.1',
    dataDir: undefined,
    seed: 'demo',
    tableName: 'waymark',
    logLevel: 'SILENT',
    programmeId: 'browser-tests',
  });
  return { system, url: system.url };
}

/** What a console test works with: local mode, its browser, and a page signed in. */
export interface ConsoleSession {
  system: LocalSystem;
  url: string;
  browser: Browser;
  page: Page;
  /** Every uncaught error of the page, for the test to expect none. */
  pageErrors: string[];
  /** Reads the API as someone of `role` would (a dev token), for checking what the page did. */
  apiGet: (path: string, role?: string) => Promise<any>;
  close: () => Promise<void>;
}

/** Local mode with the demo data, and a desktop-sized console page signed in with the dev sign-in as `role`. */
export async function openConsole(role: 'navigator' | 'manager' | 'admin'): Promise<ConsoleSession> {
  const { system, url } = await startSystem();
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${url}/`);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
  const apiGet = async (path: string, as: string = role) => {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: as }) });
    const { token } = (await minted.json()) as { token: string };
    return (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  };
  return {
    system,
    url,
    browser,
    page,
    pageErrors,
    apiGet,
    close: async () => {
      await browser.close();
      await system.stop();
    },
  };
}

/**
 * A video file Chromium plays as the camera (`--use-file-for-fake-video-capture`): a QR code of
 * `text`, black on white, in the middle of every frame of a 640×480 Y4M (YUV 4:2:0) clip.
 */
export function qrVideo(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  const quietZone = 4;
  const side = size + 2 * quietZone;
  return cameraVideo(side, side, (x, y) => {
    const [column, row] = [x - quietZone, y - quietZone];
    return column >= 0 && row >= 0 && column < size && row < size && data[row * size + column] ? 0 : 255;
  });
}

/** An image as the browser drew it: RGBA pixels, row by row. */
export interface DrawnImage {
  width: number;
  height: number;
  pixels: number[];
}

/** The pixels of an <img> on the page (found by its test id), drawn on a canvas as the browser shows it. */
export async function drawnImage(page: Page, testId: string): Promise<DrawnImage> {
  return page.getByTestId(testId).evaluate(async (element) => {
    // The page's DOM, typed just enough here (the tests are compiled without the DOM library).
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { drawImage(...args: unknown[]): void; getImageData(...args: number[]): { data: ArrayLike<number> } } };
    const image = element as unknown as { decode(): Promise<void>; width: number; height: number };
    await image.decode();
    const canvas = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } }).document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0, image.width, image.height);
    return { width: canvas.width, height: canvas.height, pixels: Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data) };
  });
}

/** A camera clip of an image drawn on a page: what a device held up to that screen would see. */
export function imageVideo(image: DrawnImage): string {
  return cameraVideo(image.width, image.height, (x, y) => {
    const at = (y * image.width + x) * 4;
    return 0.299 * image.pixels[at]! + 0.587 * image.pixels[at + 1]! + 0.114 * image.pixels[at + 2]!;
  });
}

/**
 * A 640×480 Y4M (YUV 4:2:0) clip of ten identical frames, each showing a picture (its grey level
 * 0–255 at each point) scaled to fit the middle of the frame, on white.
 */
function cameraVideo(pictureWidth: number, pictureHeight: number, grey: (x: number, y: number) => number): string {
  const width = 640;
  const height = 480;
  const scale = Math.min(width / pictureWidth, height / pictureHeight) * 0.9;
  const [shownWidth, shownHeight] = [Math.floor(pictureWidth * scale), Math.floor(pictureHeight * scale)];
  const left = Math.floor((width - shownWidth) / 2);
  const top = Math.floor((height - shownHeight) / 2);
  const luma = new Uint8Array(width * height).fill(235);
  for (let y = 0; y < shownHeight; y++) {
    for (let x = 0; x < shownWidth; x++) {
      // Video luma runs 16 (black) to 235 (white).
      luma[(top + y) * width + left + x] = Math.round(16 + (grey(Math.floor(x / scale), Math.floor(y / scale)) / 255) * 219);
    }
  }
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'waymark-camera-')), 'camera.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]));
  return file;
}

/** Chromium with a fake camera playing `video` and no permission prompts. */
export function launchChromium(video?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...(video ? [`--use-file-for-fake-video-capture=${video}`] : []),
      '--no-sandbox',
    ],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** WCAG 2 A and AA violations on the page as it is now (axe-core), as readable lines. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the apps' Content-Security-Policy (script-src 'self') does not block.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  });
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Saves a screenshot of a main screen into docs/screenshots, when asked to (`npm run screenshots`). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  await page.screenshot({ path: path.join('docs', 'screenshots', `${name}.png`), fullPage: false });
}
