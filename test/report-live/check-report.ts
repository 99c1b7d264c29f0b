/**
 * `node dist/test/report-live/check-report.js <results folder> [screenshot.png]`: renders the
 * folder's report.html in headless Chromium and checks that it draws what the folder's run
 * records say (drawn.ts); prints what it checked, exits 1 at the first difference. The
 * nightly job (scripts/nightly.sh) runs it on its merged report.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readResults } from '../../runner/report/merge.js';
import { Chromium } from './chromium.js';
import { checkDrawn } from './drawn.js';

async function main(folder: string, screenshot?: string): Promise<void> {
  const { records } = await readResults([folder]);
  if (!records.length) throw new Error(`no run records under ${folder}`);
  const browser = await Chromium.launch();
  try {
    await browser.open(`file://${join(resolve(folder), 'report.html')}`);
    const c = await checkDrawn(browser, records);
    const baseline = await browser.evaluate<boolean>(`!!document.getElementById('baseline')`);
    console.log(`report.html as drawn by Chromium matches ${records.length} run records: ${c.bands} fault bands, ${c.marks} gate marks, ${c.evaluations} evaluation ticks, ${c.sections.length} matrix links${baseline ? ', baseline comparison on top' : ''}`);
    if (screenshot) {
      await browser.evaluate(`document.querySelectorAll('details.run').forEach((d) => (d.open = true))`);
      await writeFile(screenshot, await browser.screenshot());
    }
  } finally {
    await browser.close();
  }
}

const [folder, screenshot] = process.argv.slice(2);
if (!folder) {
  console.error('usage: check-report <results folder> [screenshot.png]');
  process.exit(2);
}
main(folder, screenshot).catch((err: unknown) => {
  console.error(`check-report: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
