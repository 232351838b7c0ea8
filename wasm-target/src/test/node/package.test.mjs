// The npm package as a user gets it: `npm pack`'s tarball installed into an empty project, public API only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { model, npmPackage } from "./support.mjs";

const run = promisify(execFile);

test("the packed tarball installs into an empty project and works through its public API", async () => {
  assert.ok(npmPackage, "CHORD_NPM_PACKAGE names no tarball: run `mvn package` first");
  const project = await mkdtemp(join(tmpdir(), "chord-npm-"));
  try {
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
    // The package has no dependencies, so this needs no registry.
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", npmPackage], { cwd: project });

    const installed = JSON.parse(await readFile(join(project, "node_modules/wasm-chord/package.json"), "utf8"));
    assert.equal(installed.name, "wasm-chord");
    assert.match(installed.version, /^\d+\.\d+\.\d+/);
    assert.equal(installed.exports["."].types, "./chord.d.ts");
    const types = await readFile(join(project, "node_modules/wasm-chord/chord.d.ts"), "utf8");
    assert.match(types, /static load\(source: ModelSource \| ModelSource\[\], options\?: LoadOptions\): Promise<Chord>/);
    const readme = await readFile(join(project, "node_modules/wasm-chord/README.md"), "utf8");
    assert.match(readme, /import \{ Chord \} from "wasm-chord"/);

    await writeFile(join(project, "app.mjs"), `
      import { Chord } from "wasm-chord";
      import DefaultChord from "wasm-chord";
      const llm = await Chord.load(process.argv[2]);
      const ids = llm.tokenize("Once upon a time");
      console.log(JSON.stringify({
        sameDefault: DefaultChord === Chord,
        architecture: llm.info().metadata["general.architecture"],
        tensors: llm.info().tensors.length,
        ids,
        text: llm.detokenize(ids.slice(1)),
      }));
      llm.dispose();
    `);
    const { stdout } = await run(process.execPath, ["app.mjs", model("stories260K/stories260K-Q4_0.gguf")], { cwd: project });
    assert.deepEqual(JSON.parse(stdout), {
      sameDefault: true,
      architecture: "llama",
      tensors: 48,
      ids: [1, 403, 407, 261, 378],
      text: "Once upon a time",
    });
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
