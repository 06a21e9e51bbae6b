// Compiles src/kernels/assembly/kernels.as (AssemblyScript) to dist/kernels/kernels.wasm.
// Run by `npm run build:wasm`, which `npm run build` (and so `npm ci` through `prepare`) calls.
// The source keeps the extension .as so that tsc/biome skip it; asc wants .ts, so we compile a copy.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const source = join(here, "assembly", "kernels.as");
const outDir = join(root, "dist", "kernels");
const out = join(outDir, "kernels.wasm");

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "magtrack-asc-"));
try {
  const entry = join(work, "kernels.ts");
  copyFileSync(source, entry);
  const { error, stderr } = await asc.main(
    [entry, "-o", out, "-O3", "--runtime", "stub", "--noAssert", "--enable", "simd"],
    {},
  );
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: asc failed on ${source}: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-wasm: ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
