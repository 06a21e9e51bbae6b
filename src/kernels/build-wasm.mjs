// Compiles src/kernels/assembly/kernels.as (AssemblyScript) twice: dist/kernels/kernels.wasm (SIMD)
// and dist/kernels/kernels-fma.wasm (SIMD + relaxed SIMD: madd64 becomes a fused multiply-add where
// the machine has one; src/kernels/loader.ts says when it is used).
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
const outputs = [
  { file: "kernels.wasm", features: ["--enable", "simd"] },
  { file: "kernels-fma.wasm", features: ["--enable", "simd", "--enable", "relaxed-simd"] },
];

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "magtrack-asc-"));
try {
  const entry = join(work, "kernels.ts");
  copyFileSync(source, entry);
  for (const { file, features } of outputs) {
    const out = join(outDir, file);
    const { error, stderr } = await asc.main(
      [entry, "-o", out, "-O3", "--runtime", "stub", "--noAssert", ...features],
      {},
    );
    if (error) {
      console.error(stderr.toString());
      console.error(`build-wasm: asc failed on ${source} (${features.join(" ")}): ${error.message}`);
      process.exit(1);
    }
    console.log(`build-wasm: ${out}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
