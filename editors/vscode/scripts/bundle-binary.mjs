// Copy the release build of the server (../../target/release/sourced, built with
// `cargo build --release` at the repository root) into bin/ so that the .vsix carries it.
// Without a release build, bin/ is left as it is and the extension uses `sourced.path` or
// `sourced` on the PATH. SOURCED_BIN overrides the binary to bundle.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ext = resolve(here, "..");
const exe = process.platform === "win32" ? "sourced.exe" : "sourced";
const from = process.env.SOURCED_BIN || resolve(ext, "..", "..", "target", "release", exe);
const to = join(ext, "bin", exe);

if (!existsSync(from)) {
  console.log(`bundle-binary: no ${from}; the .vsix will not carry a server binary`);
  process.exit(0);
}
mkdirSync(join(ext, "bin"), { recursive: true });
rmSync(to, { force: true });
copyFileSync(from, to);
chmodSync(to, 0o755);
// The release profile keeps line tables for backtraces; the packaged copy does not need them.
if (process.platform === "linux") {
  try {
    execFileSync("strip", ["--strip-debug", to], { stdio: "ignore" });
  } catch {
    // no strip: ship it as it is
  }
}
console.log(`bundle-binary: ${from} -> ${to} (${(statSync(to).size / 1e6).toFixed(1)} MB)`);
