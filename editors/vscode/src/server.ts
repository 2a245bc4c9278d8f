// Finding the `sourced` executable: the `sourced.path` setting, else the binary bundled with
// the extension (bin/sourced, bin/sourced.exe on Windows), else `sourced` on the PATH.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export const EXE = process.platform === "win32" ? "sourced.exe" : "sourced";

export type Resolved =
  | { ok: true; path: string; from: "setting" | "bundled" | "PATH" }
  | { ok: false; reason: string; fromSetting: boolean };

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** `name` looked up in the PATH (with PATHEXT on Windows), or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d !== "");
  const exts =
    process.platform === "win32" && path.extname(name) === ""
      ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter((e) => e !== "")
      : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The configured path with `~` and `${workspaceFolder}` expanded, relative paths taken
 * from the first workspace folder; a bare name (no slash) is looked up in the PATH. */
function expandSetting(value: string): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let p = value.replace(/^~(?=$|[\\/])/, os.homedir());
  if (folder) {
    p = p.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (!/[\\/]/.test(p)) {
    return which(p);
  }
  if (!path.isAbsolute(p)) {
    p = path.resolve(folder ?? process.cwd(), p);
  }
  return p;
}

export function resolveServer(context: vscode.ExtensionContext): Resolved {
  const configured = vscode.workspace.getConfiguration("sourced").get<string>("path", "").trim();
  if (configured !== "") {
    const p = expandSetting(configured);
    if (p !== undefined && isExecutableFile(p)) {
      return { ok: true, path: p, from: "setting" };
    }
    return {
      ok: false,
      fromSetting: true,
      reason: `The setting sourced.path is "${configured}", which is not an executable file${
        p !== undefined && p !== configured ? ` (${p})` : ""
      }.`,
    };
  }

  const bundled = context.asAbsolutePath(path.join("bin", EXE));
  if (fs.existsSync(bundled)) {
    if (!isExecutableFile(bundled) && process.platform !== "win32") {
      // A .vsix unpacked without its file modes: make the bundled server executable again.
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        // handled below
      }
    }
    if (isExecutableFile(bundled)) {
      return { ok: true, path: bundled, from: "bundled" };
    }
  }

  const onPath = which(EXE);
  if (onPath !== undefined) {
    return { ok: true, path: onPath, from: "PATH" };
  }
  return {
    ok: false,
    fromSetting: false,
    reason:
      "The sourced language server was not found: this build of the extension does not bundle it " +
      "and there is no sourced on the PATH. Install it (cargo install --path . in a checkout of " +
      "sourced) or set sourced.path to the executable.",
  };
}
