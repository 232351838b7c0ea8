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

test("the packed tarball installs into an empty project, type-checks, and works through its public API", async () => {
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
    // The declarations describe what a TypeScript user writes, under strict checking.
    await writeFile(join(project, "app.ts"), `
      import { Chord, type GenerateOptions, type ModelInfo, type Usage } from "wasm-chord";
      export async function main(url: string, signal: AbortSignal): Promise<string> {
        const llm: Chord = await Chord.load([url], { onProgress: ({ loaded, total }) => void (loaded / (total ?? 1)), signal });
        const info: ModelInfo = llm.info();
        const options: GenerateOptions = { maxTokens: 8, temperature: 0, stop: ["."], seed: 1 };
        const g = llm.generate(llm.tokenize("Hi", { addSpecial: true }), options);
        let text = "";
        for await (const piece of g) text += piece;
        const usage: Usage | null = g.usage;
        llm.dispose();
        return info.name + text + (usage?.stopReason ?? "") + llm.detokenize(g.tokens ?? []);
      }
    `);
    await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: {
      strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext",
      lib: ["es2022", "dom", "dom.asynciterable"], types: [], skipLibCheck: false } , files: ["app.ts"] }));
    const tsc = process.env.CHORD_TSC;
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).catch((e) => {
      assert.fail("tsc rejected a typed use of the package:\n" + e.stdout + e.stderr);
    });
    await writeFile(join(project, "bad.ts"), `import { Chord } from "wasm-chord"; Chord.load(42);`);
    await writeFile(join(project, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }));
    await assert.rejects(run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: project }),
      (e) => /TS2345/.test(e.stdout), "tsc accepted Chord.load(42)");

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
