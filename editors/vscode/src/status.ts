// The status-bar item: the server's state and, when the server reports it (`sourced/status`),
// the index state: building, N sources, no sources (a warning: quotations are not checked;
// a click runs "Create sourced.toml…"), or the error.
import * as vscode from "vscode";

/** The params of the `sourced/status` notification and the result of the request. */
export interface IndexStatus {
  state: "waiting" | "building" | "ready" | "no-sources" | "error";
  sources: number;
  skipped: number;
  message: string | null;
  root: string | null;
  indexDir: string | null;
}

/** What the extension knows: the server's life cycle, then the index. */
export type View =
  | { kind: "starting" }
  | { kind: "stopped"; reason?: string }
  | { kind: "running"; index?: IndexStatus };

export function isIndexStatus(v: unknown): v is IndexStatus {
  const o = v as Partial<IndexStatus> | null;
  return typeof o === "object" && o !== null && typeof o.state === "string";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The command the server runs to create `sourced.toml` (`workspace/executeCommand`). */
export const INIT_COMMAND = "sourced.init";

/** Whether the view is the index of a workspace without sources. */
export const hasNoSources = (view: View): boolean => view.kind === "running" && view.index?.state === "no-sources";

/** A one-line summary, as in the status bar's tooltip and the status message. */
export function describe(view: View): string {
  switch (view.kind) {
    case "starting":
      return "starting the server";
    case "stopped":
      return view.reason ?? "the server is not running";
    case "running": {
      const s = view.index;
      if (s === undefined) {
        return "the server is running (it does not report the index status)";
      }
      switch (s.state) {
        case "waiting":
          return s.message ?? "waiting for a note to open";
        case "building":
          return s.message ?? "indexing the sources";
        case "ready":
          return s.skipped > 0
            ? `${plural(s.sources, "source")} indexed, ${plural(s.skipped, "file")} skipped`
            : `${plural(s.sources, "source")} indexed`;
        case "no-sources":
          return `${s.message ?? "no sources"}: quotations are not checked`;
        case "error":
          return `index error: ${s.message ?? "unknown"}`;
        default:
          return s.message ?? String(s.state);
      }
    }
  }
}

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  view: View = { kind: "starting" };

  constructor() {
    this.item = vscode.window.createStatusBarItem("sourced.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "Sourced";
    this.item.command = "sourced.showIndexStatus";
    this.render();
    this.item.show();
  }

  set(view: View): void {
    this.view = view;
    this.render();
  }

  private render(): void {
    const view = this.view;
    let text = "$(quote) sourced";
    let background: vscode.ThemeColor | undefined;
    switch (view.kind) {
      case "starting":
        text = "$(loading~spin) sourced";
        break;
      case "stopped":
        text = "$(circle-slash) sourced";
        background = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
      case "running": {
        const s = view.index;
        if (s === undefined) {
          break;
        }
        if (s.state === "building") {
          text = "$(sync~spin) sourced: indexing";
        } else if (s.state === "ready") {
          text = `$(check) sourced: ${plural(s.sources, "source")}`;
          if (s.skipped > 0) {
            text = `$(warning) sourced: ${plural(s.sources, "source")}, ${s.skipped} skipped`;
            background = new vscode.ThemeColor("statusBarItem.warningBackground");
          }
        } else if (s.state === "no-sources") {
          // Never "✓ 0 sources": nothing is checked until there are sources.
          text = "$(warning) sourced: no sources";
          background = new vscode.ThemeColor("statusBarItem.warningBackground");
        } else if (s.state === "error") {
          text = "$(error) sourced: index error";
          background = new vscode.ThemeColor("statusBarItem.errorBackground");
        } else if (s.state === "waiting") {
          text = "$(quote) sourced: waiting";
        }
        break;
      }
    }
    this.item.text = text;
    this.item.backgroundColor = background;
    const noSources = hasNoSources(view);
    this.item.command = noSources ? INIT_COMMAND : "sourced.showIndexStatus";
    const tip = new vscode.MarkdownString(`**Sourced**: ${describe(view)}`);
    if (view.kind === "running" && view.index?.root) {
      tip.appendMarkdown(`\n\nWorkspace: \`${view.index.root}\``);
    }
    tip.appendMarkdown(noSources ? "\n\nClick to create `sourced.toml` naming the sources folder." : "\n\nClick for the index status.");
    this.item.tooltip = tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
