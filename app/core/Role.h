#pragma once

#include <QString>
#include <optional>

namespace interlock {

// Who a token speaks for. Session tokens are minted by POST /v1/sessions only; so are supervisor
// tokens, for a supervised session: the credential of `interlockctl run` itself (its control
// channel and the termination report), which the agent never sees.
enum class Role { Agent, Reviewer, Oncall, Manager, Admin, Session, Supervisor };

QString roleName(Role role);
std::optional<Role> parseRole(const QString &name);
// Roles that a token can be created for from the command line.
QStringList creatableRoleNames();
// reviewer, oncall, manager, admin: the people who read the queue.
bool isUserRole(Role role);

} // namespace interlock
