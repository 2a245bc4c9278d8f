-- Headless Neovim 0.11 end-to-end test of `sourced lsp`.
--
--   SOURCED_BIN=target/release/sourced SOURCED_WS=<workspace> nvim --headless --clean -l tests/nvim/e2e.lua
--
-- Loads the plugin in editors/nvim the way a user does. The workspace holds sourced.toml, the
-- seeds and note.md (see tests/nvim/run.sh). Exits 0 when every check passes, 1 otherwise,
-- printing one line per check.

local ws = assert(os.getenv("SOURCED_WS"), "SOURCED_WS")
local failures, passes = 0, 0

local function check(name, ok, detail)
  io.stdout:write(string.format("%s %s%s\n", ok and "ok  " or "FAIL", name, ok and "" or ("  -- " .. vim.inspect(detail))))
  if ok then
    passes = passes + 1
  else
    failures = failures + 1
  end
end

-- Neovim 0.11 pulls diagnostics (textDocument/diagnostic) from a server that offers them, so
-- the server pushes none: count what arrives each way, through the handlers every client uses.
local seen = { pushes = 0, pulls = 0, pulled = {} }
local on_push = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx)
  seen.pushes = seen.pushes + 1
  return on_push(err, params, ctx)
end
local on_pull = vim.lsp.handlers["textDocument/diagnostic"]
vim.lsp.handlers["textDocument/diagnostic"] = function(err, result, ctx)
  seen.pulls = seen.pulls + 1
  if result and result.kind == "full" then
    for _, d in ipairs(result.items or {}) do
      seen.pulled[#seen.pulled + 1] = d.code
    end
  end
  return on_pull(err, result, ctx)
end

-- The plugin from editors/nvim, loaded by the README's set-up block exactly as a user copies
-- it (run.sh extracts it into SOURCED_SETUP, with /path/to/sourced replaced by the clone's
-- path, and puts SOURCED_BIN on PATH as `sourced`).
local setup = assert(os.getenv("SOURCED_SETUP"), "SOURCED_SETUP")
dofile(setup)
check("the README's set-up finds the server on PATH", vim.fn.exepath("sourced") ~= "", vim.env.PATH)

vim.cmd("edit " .. ws .. "/note.md")
local buf = vim.api.nvim_get_current_buf()

-- Wait for the server to attach and for the note's diagnostics.
local attached = vim.wait(20000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = "sourced" }) > 0
end, 50)
check("server attaches to the Markdown note", attached)

local got = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) >= 2
end, 100)
local diags = vim.diagnostic.get(buf)
check("diagnostics arrive", got, diags)

-- ...and they came by pull: the server offers pull diagnostics, Neovim pulled them into the
-- client's pull namespace, and nothing was pushed.
local sourced = vim.lsp.get_clients({ bufnr = buf, name = "sourced" })[1]
local provider = sourced and sourced.server_capabilities.diagnosticProvider
check("the server offers pull diagnostics", provider ~= nil and provider.identifier == "sourced", provider)
local pulled_ns = sourced and vim.lsp.diagnostic.get_namespace(sourced.id, true)
local in_pull_ns = pulled_ns and vim.diagnostic.get(buf, { namespace = pulled_ns }) or {}
local function has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code or d == code then
      return true
    end
  end
  return false
end
check("Neovim pulled the mismatch (textDocument/diagnostic)", seen.pulls > 0 and has_code(seen.pulled, "mismatch")
  and has_code(in_pull_ns, "mismatch"), { seen = seen, pull_namespace = in_pull_ns })
check("nothing was pushed", seen.pushes == 0, seen)

local function find(pred)
  for _, d in ipairs(diags) do
    if pred(d) then
      return d
    end
  end
end
local notfound = find(function(d)
  return d.severity == vim.diagnostic.severity.ERROR and d.code == "not-found"
end)
check("a fabricated quote is an error", notfound ~= nil, diags)
local mismatch = find(function(d)
  return d.severity == vim.diagnostic.severity.WARN and d.code == "mismatch"
end)
check("an altered quote is a warning with the diff", mismatch ~= nil and mismatch.message:find("2,500", 1, true) ~= nil, diags)

-- Code lenses above the quotations (the plugin asks for them): verdict and source title.
local lenses = {}
vim.wait(15000, function()
  lenses = vim.lsp.codelens.get(buf)
  for _, l in ipairs(lenses) do
    if l.command and l.command.title:find("Iraq Wants to Kick Out US Troops", 1, true) then
      return true
    end
  end
  return false
end, 100)
local titles = {}
for _, l in ipairs(lenses) do
  titles[#titles + 1] = { line = l.range.start.line, title = l.command and l.command.title }
end
table.sort(titles, function(a, b) return a.line < b.line end)
check("code lenses show each quotation's verdict and source title",
  #titles == 3 and titles[1].line == 2 and titles[1].title == "✓ verified · Iraq Wants to Kick Out US Troops"
  and titles[2].title:find("≠ differs", 1, true) ~= nil and titles[3].title:find("✗ not found", 1, true) ~= nil,
  titles)

-- Hover on the verified quote (line 3 of note.md, inside the quotation).
local client = vim.lsp.get_clients({ bufnr = buf, name = "sourced" })[1]
local function request(method, line, col)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }
  local resp = client:request_sync(method, params, 10000, buf)
  return resp and resp.result, resp and resp.err
end
local hover = request("textDocument/hover", 2, 20)
local hover_text = hover and hover.contents and (hover.contents.value or vim.inspect(hover.contents)) or ""
check("hover shows the verdict and the source title", hover_text:find("verified", 1, true) ~= nil
  and hover_text:find("Iraq Wants to Kick Out US Troops", 1, true) ~= nil, hover)

-- Go to definition: the quote's source file, at the right line.
local def = request("textDocument/definition", 2, 20)
local loc = def and (def[1] or def)
local uri = loc and (loc.uri or loc.targetUri)
local range = loc and (loc.range or loc.targetSelectionRange)
check("definition lands in the source file", uri ~= nil and uri:find("003_0afb694efec83e04.txt", 1, true) ~= nil, def)
check("definition lands on the right line", range ~= nil and range.start.line == 8, range)

-- The quick fix on the altered quote: applied, the note quotes the source's wording.
if mismatch then
  local lsp_diag = mismatch.user_data and mismatch.user_data.lsp
  local actions = client:request_sync("textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diag and lsp_diag.range or { start = { line = mismatch.lnum, character = mismatch.col },
      ["end"] = { line = mismatch.end_lnum, character = mismatch.end_col } },
    context = { diagnostics = { lsp_diag } },
  }, 10000, buf)
  local fix
  for _, a in ipairs(actions and actions.result or {}) do
    if a.edit and (a.isPreferred or not fix) then
      fix = a
    end
  end
  check("the altered quote has a quick fix", fix ~= nil, actions)
  if fix then
    vim.lsp.util.apply_workspace_edit(fix.edit, "utf-16")
    local line = vim.api.nvim_buf_get_lines(buf, mismatch.lnum, mismatch.lnum + 1, false)[1] or ""
    check("the quick fix puts the source's wording in the note", line:find("2,500", 1, true) ~= nil
      and line:find("5,000", 1, true) == nil, line)
    local fixed = vim.wait(15000, function()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.code == "mismatch" then
          return false
        end
      end
      return true
    end, 100)
    check("after the fix the warning goes away", fixed, vim.diagnostic.get(buf))
    check("the new diagnostics were pulled too, none pushed", seen.pushes == 0 and seen.pulls > 1, seen)
  end
end

-- :SourcedCheck runs `sourced check` and fills the quickfix list.
check(":SourcedCheck is defined", vim.fn.exists(":SourcedCheck") == 2)
local done = false
require("sourced").check({ root = ws, paths = { "note.md" }, open = false, on_done = function() done = true end })
vim.wait(30000, function() return done end, 100)
local qf = vim.fn.getqflist()
local qf_error
for _, item in ipairs(qf) do
  if item.type == "E" and item.text:find("not found", 1, true) and item.lnum == 7 then
    qf_error = item
  end
end
check(":SourcedCheck lists the fabricated quote in the quickfix list", qf_error ~= nil, qf)

-- And jumping there for real opens the file at that line.
if uri then
  vim.lsp.util.show_document(loc, "utf-16", { focus = true })
  check("the jump opens the source", vim.api.nvim_buf_get_name(0):find("003_0afb694efec83e04.txt", 1, true) ~= nil)
  check("the cursor is on the quoted line", vim.api.nvim_win_get_cursor(0)[1] == 9, vim.api.nvim_win_get_cursor(0))
end

-- :SourcedArchive: the server archives the pages a note cites that no source has captured
-- (a page served on 127.0.0.1 by tests/nvim/run.sh), and the quotation is then checked.
check(":SourcedArchive is defined", vim.fn.exists(":SourcedArchive") == 2)
local page_url = os.getenv("SOURCED_PAGE_URL")
check("SOURCED_PAGE_URL is set", page_url ~= nil)
if page_url then
  local path = ws .. "/web-note.md"
  vim.fn.writefile({
    "The council “voted on Tuesday to close the old harbour bridge” ([Gazette](" .. page_url .. ")).",
  }, path)
  vim.cmd("edit " .. path)
  local wbuf = vim.api.nvim_get_current_buf()
  vim.wait(20000, function()
    return #vim.lsp.get_clients({ bufnr = wbuf, name = "sourced" }) > 0
  end, 50)
  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(wbuf)) do
      out[#out + 1] = d.code
    end
    return out
  end
  local function has(code)
    return vim.tbl_contains(codes(), code)
  end
  local marked = vim.wait(30000, function() return has("uncaptured-page") end, 100)
  check("a link to an uncaptured page is marked", marked, codes())
  vim.cmd("SourcedArchive")
  local verified = vim.wait(30000, function()
    return #vim.diagnostic.get(wbuf) == 0
  end, 100)
  check(":SourcedArchive captures the page and the quotation is then verified", verified, codes())
  local captures = vim.fn.glob(ws .. "/sources/web/**/*.warc.gz", false, true)
  check("the capture is in the web folder", #captures == 1, captures)
end

io.stdout:write(string.format("nvim: %d passed, %d failed\n", passes, failures))
vim.cmd((failures == 0) and "qall!" or "cquit! 1")
