-- :checkhealth sourced
local M = {}

function M.check()
  local sourced = require("sourced")
  vim.health.start("sourced")
  if vim.fn.has("nvim-0.11") == 1 then
    vim.health.ok("Neovim " .. tostring(vim.version()))
  else
    vim.health.warn("Neovim 0.11+ is needed for require('sourced').setup(); use nvim-lspconfig")
  end
  local bin = sourced.binary()
  if vim.fn.executable(bin) == 1 then
    local res = vim.system({ bin, "--version" }, { text = true }):wait()
    vim.health.ok(string.format("%s: %s", vim.fn.exepath(bin), vim.trim(res.stdout or "")))
  else
    vim.health.error(bin .. " is not executable", { "cargo install --path . (in the sourced repository)",
      "or set cmd = { '/path/to/sourced', 'lsp' } in setup()" })
  end
  local clients = vim.lsp.get_clients({ name = "sourced" })
  if #clients > 0 then
    vim.health.ok(string.format("server running (%d client%s)", #clients, #clients == 1 and "" or "s"))
  else
    vim.health.info("server not running: open a Markdown note in a workspace")
  end
end

return M
