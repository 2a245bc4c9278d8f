-- Headless Neovim 0.11 end-to-end test of `sourced lsp`.
--
--   SOURCED_BIN=target/release/sourced SOURCED_WS=<workspace> nvim --headless --clean -u NONE -l tests/nvim/e2e.lua
--
-- The workspace holds sourced.toml, the seeds and note.md (see tests/nvim/run.sh). Exits 0
-- when every check passes, 1 otherwise, printing one line per check.

local bin = assert(os.getenv("SOURCED_BIN"), "SOURCED_BIN")
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

vim.lsp.config("sourced", {
  cmd = { bin, "lsp" },
  filetypes = { "markdown" },
  root_markers = { "sourced.toml", ".git" },
  init_options = { debounceMs = 50 },
})
vim.lsp.enable("sourced")

vim.cmd("edit " .. ws .. "/note.md")
local buf = vim.api.nvim_get_current_buf()

-- Wait for the server to attach and publish diagnostics for the note.
local attached = vim.wait(20000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = "sourced" }) > 0
end, 50)
check("server attaches to the Markdown note", attached)

local got = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) >= 2
end, 100)
local diags = vim.diagnostic.get(buf)
check("diagnostics are published", got, diags)

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

-- And jumping there for real opens the file at that line.
if uri then
  vim.lsp.util.show_document(loc, "utf-16", { focus = true })
  check("the jump opens the source", vim.api.nvim_buf_get_name(0):find("003_0afb694efec83e04.txt", 1, true) ~= nil)
  check("the cursor is on the quoted line", vim.api.nvim_win_get_cursor(0)[1] == 9, vim.api.nvim_win_get_cursor(0))
end

io.stdout:write(string.format("nvim: %d passed, %d failed\n", passes, failures))
vim.cmd((failures == 0) and "qall!" or "cquit! 1")
