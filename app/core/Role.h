#pragma once

#include <QString>
#include <optional>

namespace interlock {

// Who a token speaks for. Session tokens are minted by POST /v1/sessions only.
enum class Role { Agent, Reviewer, Oncall, Manager, Admin, Session };

QString roleName(Role role);
std::optional<Role> parseRole(const QString &name);
// Roles that a token can be created for from the command line.
QStringList creatableRoleNames();
// reviewer, oncall, manager, admin: the people who read the queue.
bool isUserRole(Role role);

} // namespace interlock
