#pragma once

namespace interlock::ctl {

// `interlockctl bench risk`: scoring throughput over the risk corpus on one core, and the time
// scoring adds to each submission; next to parsing the same actions' JSON, measured in the same
// run as the reference for what a submission costs anyway.
int runRiskBench(int rounds);

} // namespace interlock::ctl
