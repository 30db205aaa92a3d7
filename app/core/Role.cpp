#include "Role.h"

#include <QStringList>

namespace interlock {

QString roleName(Role role)
{
    switch (role) {
    case Role::Agent:
        return QStringLiteral("agent");
    case Role::Reviewer:
        return QStringLiteral("reviewer");
    case Role::Oncall:
        return QStringLiteral("oncall");
    case Role::Manager:
        return QStringLiteral("manager");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Session:
        return QStringLiteral("session");
    case Role::Supervisor:
        return QStringLiteral("supervisor");
    }
    return {};
}

std::optional<Role> parseRole(const QString &name)
{
    for (Role r : {Role::Agent, Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin,
                   Role::Session, Role::Supervisor}) {
        if (roleName(r) == name)
            return r;
    }
    return std::nullopt;
}

QStringList creatableRoleNames()
{
    return {QStringLiteral("agent"), QStringLiteral("reviewer"), QStringLiteral("oncall"),
            QStringLiteral("manager"), QStringLiteral("admin")};
}

bool isUserRole(Role role)
{
    return role == Role::Reviewer || role == Role::Oncall || role == Role::Manager ||
           role == Role::Admin;
}

} // namespace interlock
