// wat -> wasm with wabt (npm), standard SIMD128 only; the module is validated before it is written.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import wabtFactory from "wabt";

const [source, target] = process.argv.slice(2);
const wabt = await wabtFactory();
const module = wabt.parseWat(source, readFileSync(source, "utf8"), { simd: true });
module.validate();
const { buffer } = module.toBinary({ write_debug_names: true });
if (!WebAssembly.validate(buffer)) {
  throw new Error(`${source}: this Node does not accept the assembled module`);
}
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, buffer);
