// Prints one plain closing line ("tests: N passed, N failed, N skipped") that CI systems can read
// whatever test runner they know.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numFailedTestSuites, numRuntimeErrorTestSuites } = results;
    const broken = numRuntimeErrorTestSuites ? ` (${numRuntimeErrorTestSuites} test files failed to run)` : '';
    process.stdout.write(`\ntests: ${passed} passed, ${failed + (numFailedTestSuites && !failed ? numFailedTestSuites : 0)} failed, ${skipped} skipped${broken ? '' : ''}\n`);
    if (broken) process.stdout.write(`note:${broken}\n`);
  }
}
module.exports = SummaryReporter;
