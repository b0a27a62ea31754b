'use strict';
// Where things are: the TCK checkout and the report file. Both can be
// overridden through the environment (run.sh sets them).

const path = require('node:path');

const kRepoRoot = path.resolve(__dirname, '..', '..', '..');
/** The TCK folder: ../shared/tck relative to the repository root unless TCK_DIR says otherwise. */
const kTckDir = path.resolve(process.env.TCK_DIR || path.join(kRepoRoot, '..', 'shared', 'tck'));
/** Named graphs for `Given the <name> graph`. */
const kGraphsDir = path.join(kTckDir, 'graphs');
/** Where the run writes its report. */
const kReportFile = path.resolve(process.env.TCK_REPORT || path.join(__dirname, '..', 'last-report.txt'));

module.exports = { kRepoRoot, kTckDir, kGraphsDir, kReportFile };
