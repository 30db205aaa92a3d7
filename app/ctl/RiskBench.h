#pragma once

#include <QString>

namespace interlock::ctl {

// `interlockctl bench risk`: scoring throughput over the risk corpus on one core, and the time
// scoring adds to each submission; next to parsing the same actions' JSON, measured in the same
// run as the reference for what a submission costs anyway. With `baselineRules` (a rules file),
// the corpus's quality under those rules is printed first, beside the built-in rules' figures.
int runRiskBench(int rounds, const QString &baselineRules = {});

} // namespace interlock::ctl
