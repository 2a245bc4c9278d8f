// The VS Code client of `sourced lsp`: starts the language server for Markdown notes, keeps
// its settings in sync, shows the index state in the status bar, and adds the commands
// "Restart Server", "Show Index Status", "Show Output" and "Archive Uncaptured Pages of This
// Note" (the server's `sourced.archive` for the active note). "Check All Notes in Workspace"
// (`sourced.checkWorkspace`) and "Create sourced.toml…" (`sourced.init`, what the status bar
// runs when the workspace has no sources) are the server's own commands, registered by the
// client.
import * as vscode from "vscode";
import {
  ErrorCodes,
  ExecuteCommandSignature,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { resolveServer } from "./server";
import { INIT_COMMAND, IndexStatus, StatusItem, describe, isIndexStatus } from "./status";

const STATUS_METHOD = "sourced/status";
const CHECK_WORKSPACE = "sourced.checkWorkspace";
const CREATE_CONFIG = "Create sourced.toml…";

interface CheckResult {
  notes: number;
  quotes: number;
  problems: number;
}

/** The settings as a plain object, as the server reads them under `"sourced"`. */
function settings(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(vscode.workspace.getConfiguration("sourced"))) as Record<string, unknown>;
}

class SourcedExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output: vscode.LogOutputChannel;
  private readonly status: StatusItem;
  private serverPath: string | undefined;
  /** Serialises start, stop and restart. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("Sourced", { log: true });
    this.status = new StatusItem();
    context.subscriptions.push(
      this.output,
      this.status,
      vscode.commands.registerCommand("sourced.restartServer", () => this.restart()),
      vscode.commands.registerCommand("sourced.showIndexStatus", () => this.showIndexStatus()),
      vscode.commands.registerCommand("sourced.showOutput", () => this.output.show(true)),
      vscode.commands.registerCommand("sourced.archiveNotePages", () => this.archiveNotePages()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // The other settings reach the running server by workspace/didChangeConfiguration.
        if (e.affectsConfiguration("sourced.path")) {
          this.output.info("sourced.path changed: restarting the server");
          void this.restart();
        }
      }),
    );
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job, job);
    return this.queue;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  private async doStart(): Promise<void> {
    this.status.set({ kind: "starting" });
    const resolved = resolveServer(this.context);
    if (!resolved.ok) {
      this.output.error(resolved.reason);
      this.status.set({ kind: "stopped", reason: "the sourced executable was not found" });
      void this.notFound(resolved.reason);
      return;
    }
    this.serverPath = resolved.path;
    this.output.info(`starting ${resolved.path} lsp (${resolved.from})`);

    const serverOptions: ServerOptions = {
      command: resolved.path,
      args: ["lsp"],
      // The client appends --stdio, which `sourced lsp` accepts.
      transport: TransportKind.stdio,
      options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: "markdown" }],
      synchronize: { configurationSection: "sourced" },
      initializationOptions: () => ({ sourced: settings() }),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: {
        executeCommand: (command, args, next) => this.executeCommand(command, args, next),
      },
    };
    const client = new LanguageClient("sourced", "Sourced", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (this.client !== client) {
        return;
      }
      void vscode.commands.executeCommand("setContext", "sourced.serverRunning", e.newState === State.Running);
      if (e.newState === State.Stopped) {
        this.status.set({ kind: "stopped", reason: "the server stopped (see the Sourced output)" });
      } else if (e.newState === State.Starting) {
        this.status.set({ kind: "starting" });
      }
    });
    client.onNotification(STATUS_METHOD, (params: unknown) => {
      if (this.client === client && isIndexStatus(params)) {
        this.status.set({ kind: "running", index: params });
      }
    });

    try {
      await client.start();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.output.error(`the server did not start: ${msg}`);
      this.status.set({ kind: "stopped", reason: `the server did not start: ${msg}` });
      void vscode.window
        .showErrorMessage(`Sourced: the server ${resolved.path} did not start: ${msg}`, "Show Output", "Open Settings")
        .then((choice) => this.onChoice(choice));
      return;
    }
    // A status notification may already have arrived; else ask.
    if (this.status.view.kind !== "running" || this.status.view.index === undefined) {
      const index = await this.requestStatus(client);
      if (this.client === client && (this.status.view.kind !== "running" || this.status.view.index === undefined)) {
        this.status.set({ kind: "running", index });
      }
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      if (client.needsStop()) {
        await client.stop(5000);
      }
    } catch (e) {
      this.output.warn(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      await client.dispose();
    } catch {
      // already stopped
    }
    this.status.set({ kind: "stopped", reason: "the server is stopped" });
    void vscode.commands.executeCommand("setContext", "sourced.serverRunning", false);
  }

  /** The index status from the server, or undefined if the server does not know the request. */
  private async requestStatus(client: LanguageClient): Promise<IndexStatus | undefined> {
    try {
      const r: unknown = await client.sendRequest(STATUS_METHOD);
      return isIndexStatus(r) ? r : undefined;
    } catch (e) {
      if (!(e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound)) {
        this.output.warn(`${STATUS_METHOD}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return undefined;
    }
  }

  /** Middleware around workspace/executeCommand: progress, the counts, the Problems panel. */
  private async executeCommand(command: string, args: unknown[], next: ExecuteCommandSignature): Promise<unknown> {
    if (command !== CHECK_WORKSPACE) {
      return next(command, args);
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Sourced: checking every note in the workspace…" },
      async () => {
        const r = (await next(command, args)) as Partial<CheckResult> | undefined | null;
        if (r && typeof r.notes === "number") {
          const summary =
            `Sourced: checked ${r.notes} note${r.notes === 1 ? "" : "s"}, ${r.quotes ?? 0} quotation` +
            `${r.quotes === 1 ? "" : "s"}: ${r.problems ?? 0} problem${r.problems === 1 ? "" : "s"}.`;
          this.output.info(summary);
          await vscode.commands.executeCommand("workbench.actions.view.problems");
          void vscode.window.showInformationMessage(summary);
        }
        return r;
      },
    );
  }

  /** Archive every page the active note cites that no source has captured (the server
   * finds them, fetches them and says what it did). */
  private async archiveNotePages(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== "markdown") {
      void vscode.window.showInformationMessage("Sourced: open a Markdown note first.");
      return;
    }
    await vscode.commands.executeCommand("sourced.archive", { note: editor.document.uri.toString() });
  }

  private async showIndexStatus(): Promise<void> {
    const client = this.client;
    let index: IndexStatus | undefined;
    if (client !== undefined && client.state === State.Running) {
      index = await this.requestStatus(client);
      if (index !== undefined) {
        this.status.set({ kind: "running", index });
      }
    }
    const view = this.status.view;
    const lines = [`Sourced: ${describe(view)}.`];
    if (this.serverPath !== undefined && view.kind !== "stopped") {
      lines.push(`Server: ${this.serverPath}.`);
    }
    if (index?.root) {
      lines.push(`Workspace: ${index.root}.`);
    }
    if (index?.indexDir) {
      lines.push(`Index: ${index.indexDir}.`);
    }
    const text = lines.join(" ");
    this.output.info(text);
    const actions = view.kind === "stopped" ? ["Restart Server", "Show Output"] : ["Show Output"];
    if (index?.state === "no-sources") {
      actions.unshift(CREATE_CONFIG);
    }
    const warn = index?.state === "error" || index?.state === "no-sources" || view.kind === "stopped";
    const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(text, ...actions);
    await this.onChoice(choice);
  }

  private async notFound(reason: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(`Sourced: ${reason}`, "Open Settings", "Show Output");
    await this.onChoice(choice);
  }

  private async onChoice(choice: string | undefined): Promise<void> {
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "sourced.path");
    } else if (choice === "Show Output") {
      this.output.show(true);
    } else if (choice === "Restart Server") {
      await this.restart();
    } else if (choice === CREATE_CONFIG) {
      await vscode.commands.executeCommand(INIT_COMMAND);
    }
  }

  dispose(): Promise<void> {
    return this.stop();
  }
}

let extension: SourcedExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new SourcedExtension(context);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.dispose();
  extension = undefined;
}
