-- sourced for Neovim 0.11+: registers the `sourced lsp` language server for Markdown notes
-- and adds :SourcedCheck (every note checked by `sourced check`, results in the quickfix list)
-- and :SourcedArchive (the server archives the pages the current note cites and has no
-- capture of, or the URLs given).
--
--   require("sourced").setup({})             -- defaults below
--
-- Older Neovim: use nvim-lspconfig's generic set-up (see the README); :SourcedCheck still works.

local M = {}

---@class sourced.Options
---@field cmd? string[]            the server command (default: { "sourced", "lsp" })
---@field filetypes? string[]      buffers the server attaches to (default: { "markdown" })
---@field root_markers? string[]   files that mark a workspace (default: sourced.toml, .git)
---@field init_options? table      passed to the server at start (debounceMs, indexDelayMs …)
---@field settings? table          workspace settings, e.g. { sourced = { minWords = 4 } }
---@field enable? boolean          start the server for matching buffers (default: true)
---@field codelens? boolean        show the verdict and source above each quotation (default: true)

M.defaults = {
  cmd = { "sourced", "lsp" },
  filetypes = { "markdown" },
  root_markers = { "sourced.toml", ".git" },
  init_options = {},
  settings = {},
  enable = true,
  codelens = true,
}

M.options = vim.deepcopy(M.defaults)

--- The `sourced` binary: the first word of the server command.
function M.binary()
  return M.options.cmd[1]
end

--- The workspace root for `path` (a file or directory): the nearest directory holding a
--- root marker, else the current directory.
function M.root(path)
  local found = vim.fs.root(path or 0, M.options.root_markers)
  return found or vim.fn.getcwd()
end

--- Register the language server (Neovim 0.11's vim.lsp.config / vim.lsp.enable) and the
--- user commands.
---@param opts? sourced.Options
function M.setup(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if vim.fn.has("nvim-0.11") == 1 then
    vim.lsp.config("sourced", {
      cmd = M.options.cmd,
      filetypes = M.options.filetypes,
      root_markers = M.options.root_markers,
      init_options = M.options.init_options,
      settings = M.options.settings,
      -- Neovim 0.11 pulls diagnostics on edits only: when the sources change (a file saved,
      -- a page archived), the server asks for a pull, and every note it is attached to is
      -- pulled again.
      capabilities = { workspace = { diagnostics = { refreshSupport = true } } },
      handlers = { ["workspace/diagnostic/refresh"] = M.pull_again },
    })
    if M.options.enable then
      vim.lsp.enable("sourced")
      M.warn_if_missing()
      if M.options.codelens then
        M.show_code_lenses()
      end
    end
  else
    vim.notify("sourced: Neovim 0.11+ is needed for setup(); see the README for nvim-lspconfig",
      vim.log.levels.WARN)
  end
  vim.api.nvim_create_user_command("SourcedCheck", function(cmd)
    M.check({ paths = cmd.fargs })
  end, { nargs = "*", complete = "file", desc = "sourced: check notes, results in the quickfix list" })
  vim.api.nvim_create_user_command("SourcedArchive", function(cmd)
    M.archive({ urls = cmd.fargs })
  end, { nargs = "*", desc = "sourced: archive the pages this note cites (or the URLs given)" })
end

--- Neovim shows code lenses only when asked: ask when the server attaches, when the note's
--- diagnostics change (a check finished) and when leaving insert mode.
function M.show_code_lenses()
  local group = vim.api.nvim_create_augroup("sourced_codelens", { clear = true })
  vim.api.nvim_create_autocmd("LspAttach", {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if not client or client.name ~= "sourced" or not client:supports_method("textDocument/codeLens") then
        return
      end
      local bufnr = ev.buf
      local function refresh()
        if vim.api.nvim_buf_is_valid(bufnr) then
          vim.lsp.codelens.refresh({ bufnr = bufnr })
        end
      end
      refresh()
      vim.api.nvim_create_autocmd({ "DiagnosticChanged", "InsertLeave", "BufEnter" }, {
        group = group,
        buffer = bufnr,
        callback = refresh,
      })
    end,
  })
end

--- When the server's binary cannot be run, Neovim logs it to lsp.log only and nothing shows:
--- say it once, at the first buffer the server would attach to.
function M.warn_if_missing()
  local group = vim.api.nvim_create_augroup("sourced_missing_binary", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.options.filetypes,
    once = true,
    callback = function()
      local bin = M.binary()
      if vim.fn.executable(bin) == 0 then
        vim.notify(string.format("sourced: the language server `%s` is not executable or not on PATH, "
          .. "so notes are not checked; see :checkhealth sourced", bin), vim.log.levels.WARN)
      end
    end,
  })
end

--- `workspace/diagnostic/refresh`: pull the diagnostics of every buffer the client serves.
function M.pull_again(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for bufnr in pairs(client.attached_buffers) do
      client:request("textDocument/diagnostic",
        { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, nil, bufnr)
    end
  end
  return vim.NIL
end

--- Ask the server of the current buffer to archive `opts.urls`, or, when none are given,
--- every page the note cites after a quotation that no source has captured. The server
--- reports what it archived and what failed.
---@param opts? { urls?: string[], bufnr?: integer }
function M.archive(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = "sourced" })[1]
  if not client then
    vim.notify("sourced: the language server is not running for this buffer", vim.log.levels.WARN)
    return
  end
  local args = { note = vim.uri_from_bufnr(bufnr) }
  if opts.urls and #opts.urls > 0 then
    args.urls = opts.urls
  end
  client:exec_cmd({ title = "Archive pages", command = "sourced.archive", arguments = { args } },
    { bufnr = bufnr })
end

local severity_of = {
  ["not-found"] = "E", mismatch = "W", misattributed = "W", ["too-long"] = "W", ["wrong-speaker"] = "W",
}

--- One quickfix item per quotation that is not verified, from `sourced check --format json`.
---@param report table the decoded JSON report
---@param root string the directory the report's paths are relative to
function M.quickfix_items(report, root)
  local items = {}
  local lines_of = {}
  local function byte_col(file, line, column)
    -- The report counts characters; quickfix wants bytes.
    if not lines_of[file] then
      local ok, lines = pcall(vim.fn.readfile, file)
      lines_of[file] = ok and lines or {}
    end
    local text = lines_of[file][line]
    if not text then
      return column
    end
    local ok, b = pcall(vim.str_byteindex, text, "utf-32", column - 1, false)
    return ok and b + 1 or column
  end
  for _, q in ipairs(report.quotes or {}) do
    local kind = severity_of[q.status]
    if kind then
      local file = vim.fs.joinpath(root, q.file)
      local at = q.source and string.format("%s:%d", q.source.path, q.source.line) or nil
      local text
      if q.status == "not-found" then
        text = "quote not found in the sources"
      elseif q.status == "too-long" then
        text = "quote not checked: longer than sourced verifies"
      elseif q.status == "mismatch" then
        text = string.format("quote differs from %s (%d%% similar)", at or "a source",
          math.floor((q.similarity or 0) * 100 + 0.5))
      else
        text = string.format("quote cited to %s but found in %s", q.cited or "?", at or "another source")
      end
      table.insert(items, {
        filename = file,
        lnum = q.line,
        col = byte_col(file, q.line, q.column),
        end_lnum = q.end_line,
        end_col = byte_col(file, q.end_line, q.end_column),
        type = kind,
        text = string.format("%s: “%s”", text, q.text),
      })
    end
  end
  return items
end

--- Run `sourced check --format json` in the workspace root and fill the quickfix list.
---@param opts? { paths?: string[], root?: string, open?: boolean, on_done?: fun(items: table[], code: integer) }
function M.check(opts)
  opts = opts or {}
  local root = opts.root or M.root(vim.api.nvim_buf_get_name(0))
  local cmd = { M.binary(), "check", "--format", "json" }
  vim.list_extend(cmd, opts.paths or {})
  local ok, err = pcall(vim.system, cmd, { cwd = root, text = true }, function(res)
    vim.schedule(function()
      -- Exit 0: all verified; 1: some not verified; 2: usage or I/O error.
      if res.code == 2 or res.code == nil or not res.stdout or res.stdout == "" then
        vim.notify("sourced check failed: " .. vim.trim(res.stderr or ""), vim.log.levels.ERROR)
        if opts.on_done then
          opts.on_done({}, res.code or 2)
        end
        return
      end
      local decoded, report = pcall(vim.json.decode, res.stdout, { luanil = { object = true, array = true } })
      if not decoded then
        vim.notify("sourced check: unreadable output: " .. tostring(report), vim.log.levels.ERROR)
        return
      end
      local items = M.quickfix_items(report, root)
      vim.fn.setqflist({}, " ", { title = "sourced check", items = items })
      local s = report.summary or {}
      vim.notify(string.format("sourced: %d verified, %d altered, %d not found, %d misattributed, %d wrong speaker",
        s.verified or 0, s.mismatch or 0, s.not_found or 0, s.misattributed or 0, s.wrong_speaker or 0))
      if opts.open ~= false and #items > 0 then
        vim.cmd("copen")
      end
      if opts.on_done then
        opts.on_done(items, res.code)
      end
    end)
  end)
  if not ok then
    vim.notify("sourced: cannot run " .. M.binary() .. ": " .. tostring(err), vim.log.levels.ERROR)
  end
end

return M
