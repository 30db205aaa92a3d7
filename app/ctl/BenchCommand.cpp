#include "CtlCommon.h"

namespace interlock::ctl {
int benchCommand(const QStringList &) { return fail(QStringLiteral("bench: not built yet"), Usage); }
} // namespace interlock::ctl
