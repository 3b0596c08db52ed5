import { bundleLambda } from './bundling';

// `node --import tsx infra/bundle-cli.ts <entry> <outdir>`: run by the CDK's local bundling.
const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: bundle-cli <entry relative to the project root> <output directory>');
  process.exit(2);
}
await bundleLambda(entry, outdir);
