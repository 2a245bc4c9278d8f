-- Headless Neovim: the README's set-up when `sourced` is not on PATH. Neovim itself only
-- writes that to lsp.log; the plugin must tell the user, once, and point at :checkhealth.
--
--   SOURCED_SETUP=<setup.lua> SOURCED_WS=<workspace> nvim --headless --clean -l tests/nvim/missing.lua

local ws = assert(os.getenv("SOURCED_WS"), "SOURCED_WS")
local failures, passes = 0, 0
local function check(name, ok, detail)
  io.stdout:write(string.format("%s %s%s\n", ok and "ok  " or "FAIL", name, ok and "" or ("  -- " .. vim.inspect(detail))))
  if ok then passes = passes + 1 else failures = failures + 1 end
end

local notes = {}
vim.notify = function(msg, level)
  notes[#notes + 1] = { msg = msg, level = level }
end

check("sourced is not on PATH for this test", vim.fn.executable("sourced") == 0, vim.env.PATH)
dofile(assert(os.getenv("SOURCED_SETUP"), "SOURCED_SETUP"))
vim.cmd("edit " .. ws .. "/note.md")
vim.cmd("edit " .. ws .. "/other.md")
vim.wait(1000, function() return #notes > 0 end, 50)

local said = vim.tbl_filter(function(n)
  return n.msg:find("not on PATH", 1, true) and n.msg:find(":checkhealth sourced", 1, true)
end, notes)
check("opening a note says the server is missing and points at :checkhealth sourced",
  #said == 1 and said[1].level == vim.log.levels.WARN, notes)

local health = vim.fn.execute("checkhealth sourced")
local buf = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
check(":checkhealth sourced names the missing binary", buf:find("sourced is not executable", 1, true) ~= nil,
  { health = health, buffer = buf })

io.stdout:write(string.format("nvim (no binary): %d passed, %d failed\n", passes, failures))
vim.cmd(failures == 0 and "qa!" or "cq")
