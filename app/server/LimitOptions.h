#pragma once

#include "core/Limits.h"

#include <QString>

namespace interlock {

// `interlockd --limit NAME=VALUE`: every transport limit of Limits by name, so that deployments
// (and the tests, with short timeouts) can set them without a flag each.
bool applyLimitOption(Limits &limits, const QString &assignment, QString *error);
QString limitOptionHelp();

// Raises the soft open-file limit to the hard one (each connection is a file descriptor).
// Returns the soft limit in force afterwards.
qint64 raiseOpenFileLimit();

} // namespace interlock
