// Preloaded by the benchmark only (node --import): writes the process's peak RSS in KiB on exit.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  writeFileSync(process.env.LBG_RSS_FILE, String(process.resourceUsage().maxRSS))
})
